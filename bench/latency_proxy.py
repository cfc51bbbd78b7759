"""A TCP proxy on loopback that adds a network's round trip to every exchange through it: the
benchmark puts one between the app and dynalite (`--store-latency`) and one between the app and
MariaDB (`--sql-latency`), so its figures show what a reader waits for where the stores are a
network away (DynamoDB and RDS within an AWS region: a few milliseconds a round trip).

The latency given is a round trip's: each chunk of bytes from the client is held for half of it
before it is passed on, each chunk of the answer for the other half. A chunk is held from the
moment it arrived, not after the chunk before it has gone: bytes in flight overlap as on a network,
so a request sent in two writes (headers, then body) still costs one round trip, and so does a
MySQL result that comes in several packets. Bytes are passed on as they are, so any protocol works.

Bounded: it listens on 127.0.0.1 only, on a port of its own, with a thread for each direction of
each connection (reader and sender), all daemon threads, all closed by `close()` (the `with` block
ends it).

    with LatencyProxy(target_port=dynalite_port, latency_seconds=0.008) as proxy:
        ...  # the app's endpoint is http://127.0.0.1:{proxy.port}
"""

from __future__ import annotations

import contextlib
import queue
import re
import socket
import threading
import time
from typing import Any

CHUNK = 65536


def parse_latency(text: str) -> float:
    """Seconds from "8ms", "1.5ms", "0.01s" or "8" (milliseconds)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*", text)
    if not match:
        raise ValueError(f"not a latency: {text!r} (e.g. 8ms)")
    value = float(match.group(1))
    return value if match.group(2) == "s" else value / 1000


class LatencyProxy:
    def __init__(self, target_port: int, latency_seconds: float, target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.one_way = latency_seconds / 2
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._connections: list[tuple[list[socket.socket], list[threading.Thread]]] = []
        self._acceptor = threading.Thread(target=self._accept, name="latency-proxy-accept", daemon=True)
        self._acceptor.start()

    def __enter__(self) -> LatencyProxy:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def close(self) -> None:
        """Stop accepting, close every connection, and wait for the threads to end."""
        self._closed.set()
        _close(self._listener)  # the shutdown wakes the thread waiting in accept()
        self._acceptor.join(timeout=2)
        with self._lock:
            connections, self._connections = self._connections, []
        for sockets, _ in connections:
            for sock in sockets:
                _close(sock)
        for _, threads in connections:
            for thread in threads:
                thread.join(timeout=2)

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            server.settimeout(None)
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threads = [*self._relay(client, server), *self._relay(server, client)]
            with self._lock:
                self._forget_ended()
                self._connections.append(([client, server], threads))
            for thread in threads:
                thread.start()

    def _forget_ended(self) -> None:
        """Close the sockets of connections whose both directions have ended (the app closed them)."""
        alive = []
        for sockets, threads in self._connections:
            if any(thread.is_alive() or thread.ident is None for thread in threads):
                alive.append((sockets, threads))
            else:
                for sock in sockets:
                    _close(sock)
        self._connections = alive

    def _relay(self, source: socket.socket, destination: socket.socket) -> list[threading.Thread]:
        """One direction: a reader that stamps each chunk with when it may go on, and a sender."""
        held: queue.SimpleQueue[tuple[float, bytes]] = queue.SimpleQueue()

        def read() -> None:
            try:
                while data := source.recv(CHUNK):
                    held.put((time.perf_counter() + self.one_way, data))
            except OSError:
                pass
            held.put((0.0, b""))  # the end: the sender shuts its side after what is held

        def send() -> None:
            try:
                while True:
                    due, data = held.get()
                    if not data:
                        destination.shutdown(socket.SHUT_WR)
                        return
                    if (wait := due - time.perf_counter()) > 0:
                        time.sleep(wait)
                    destination.sendall(data)
            except OSError:
                _close(source)  # the other side is gone: end this direction's reader too

        return [threading.Thread(target=target, name="latency-proxy-relay", daemon=True) for target in (read, send)]


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
