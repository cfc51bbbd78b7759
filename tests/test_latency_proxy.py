"""The benchmark's latency proxy (bench/latency_proxy.py): a round trip through it takes the latency
given, whatever the bytes, and it ends with its `with` block."""

import socket
import threading
import time

import pytest

from bench.latency_proxy import LatencyProxy, parse_latency


@pytest.fixture
def echo_server():
    """A loopback server that sends back whatever it receives, on each connection."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=echo, args=(connection,), daemon=True).start()

    def echo(connection):
        with connection:
            while data := connection.recv(65536):
                connection.sendall(data)

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()


def round_trip(sock: socket.socket, message: bytes) -> float:
    started = time.perf_counter()
    sock.sendall(message)
    received = b""
    while len(received) < len(message):
        received += sock.recv(65536)
    assert received == message
    return time.perf_counter() - started


def test_a_round_trip_through_the_proxy_takes_the_latency_given(echo_server):
    with (
        LatencyProxy(target_port=echo_server, latency_seconds=0.03) as proxy,
        socket.create_connection(("127.0.0.1", proxy.port)) as sock,
    ):
        times = [round_trip(sock, b"ping %d" % i) for i in range(5)]
    assert all(0.03 <= took < 0.03 + 0.02 for took in times), times


def test_bytes_sent_in_several_writes_are_held_once_not_once_each(echo_server):
    """A request written as headers and then body costs one round trip, as on a network."""
    with (
        LatencyProxy(target_port=echo_server, latency_seconds=0.04) as proxy,
        socket.create_connection(("127.0.0.1", proxy.port)) as sock,
    ):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        started = time.perf_counter()
        for part in (b"headers ", b"body ", b"end"):
            sock.sendall(part)
        received = b""
        while len(received) < len(b"headers body end"):
            received += sock.recv(65536)
        took = time.perf_counter() - started
    assert received == b"headers body end"
    assert 0.04 <= took < 0.04 + 0.025


def test_the_proxy_listens_on_loopback_only_and_stops_with_its_block(echo_server):
    with LatencyProxy(target_port=echo_server, latency_seconds=0.001) as proxy:
        with socket.create_connection(("127.0.0.1", proxy.port)) as sock:
            round_trip(sock, b"hello")
        port = proxy.port
        assert proxy._listener.getsockname()[0] == "127.0.0.1"
    time.sleep(0.05)
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("latency-proxy")]
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1)


def test_latencies_are_read_as_the_benchmark_takes_them():
    assert parse_latency("8ms") == pytest.approx(0.008)
    assert parse_latency("1.5ms") == pytest.approx(0.0015)
    assert parse_latency("0.01s") == pytest.approx(0.01)
    assert parse_latency("8") == pytest.approx(0.008)
    with pytest.raises(ValueError):
        parse_latency("fast")
