"""The benchmark's round-trip table: for each kind of request a reader makes, its p50, how many
requests it sends to each store and how many of them it waits for one after the other (counted by
the app's BENCHMARK_MODE metering, bookapp/benchmark.py), measured with the stores as they are on
this machine and, with `--store-latency`/`--sql-latency`, again through latency proxies
(bench/latency_proxy.py), side by side. Used by bench/run.py."""

from __future__ import annotations

import contextlib
import dataclasses
import statistics
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy.engine import make_url

from bench.latency_proxy import LatencyProxy


@dataclasses.dataclass(frozen=True)
class KindFigures:
    p50_ms: float
    dynamodb: int  # requests sent
    dynamodb_sequential: int  # of which waited for one after the other
    sql: int
    sql_sequential: int
    stores_sequential: int  # both stores together
    operations: str  # what was sent to DynamoDB | to SQL, in the order sent (the most common sequence)

    def counts(self) -> str:
        return (
            f"{self.dynamodb} ({self.dynamodb_sequential} seq.) / {self.sql} ({self.sql_sequential} seq.) "
            f"= {self.stores_sequential} seq."
        )


def figures(results: list[Any]) -> KindFigures:
    """A kind's figures from its samples (bench/run.py's `Result`s): the p50 of their times and
    the most common count of each header."""

    def mode(header: str) -> int:
        return statistics.mode(int(result.headers[header]) for result in results)

    return KindFigures(
        p50_ms=statistics.median(result.ms for result in results),
        dynamodb=mode("X-DynamoDB-Requests"),
        dynamodb_sequential=mode("X-DynamoDB-Sequential"),
        sql=mode("X-SQL-Statements"),
        sql_sequential=mode("X-SQL-Sequential"),
        stores_sequential=mode("X-Stores-Sequential"),
        operations=statistics.mode(
            f"{result.headers['X-DynamoDB-Operations'] or '-'} | {result.headers['X-SQL-Operations'] or '-'}"
            for result in results
        ),
    )


def measure_kinds(kinds: dict[str, Callable[[], list[Any]]]) -> dict[str, KindFigures]:
    """Each kind's figures, its samples taken by its function, in the order given."""
    return {name: figures(take()) for name, take in kinds.items()}


@contextlib.contextmanager
def proxied_stores(environment: dict[str, str], store_latency: float, sql_latency: float) -> Iterator[dict[str, str]]:
    """Latency proxies in front of dynalite and MariaDB (a latency of 0: none for that store); yields
    the app's environment changed to reach the stores through them. Closed when the block ends."""
    with contextlib.ExitStack() as proxies:
        changed = {}
        if store_latency > 0:
            endpoint = environment["AWS_ENDPOINT_URL_DYNAMODB"]
            proxy = proxies.enter_context(LatencyProxy(int(endpoint.rsplit(":", 1)[1]), store_latency))
            changed["AWS_ENDPOINT_URL_DYNAMODB"] = f"http://127.0.0.1:{proxy.port}"
        if sql_latency > 0:
            database = make_url(environment["DATABASE_URL"])
            proxy = proxies.enter_context(LatencyProxy(database.port or 3306, sql_latency, database.host))
            changed["DATABASE_URL"] = database.set(host="127.0.0.1", port=proxy.port).render_as_string(
                hide_password=False
            )
        yield changed


def print_table(
    plain: dict[str, KindFigures],
    delayed: dict[str, KindFigures] | None,
    store_latency: float,
    sql_latency: float,
) -> list[str]:
    """Print the round-trip table; returns the targets missed. The targets (with latency only): the
    rendered board within 2 DynamoDB round trips of its figure without latency, a move and an add
    within 2 round trips of theirs."""
    print()
    store_ms, sql_ms = store_latency * 1000, sql_latency * 1000
    if delayed is None:
        print("Round trips per request: DynamoDB requests (sequential) / SQL statements (sequential)")
        width = max(len(name) for name in plain)
        print(f"{'request':<{width}}  {'p50':>9}  round trips")
        for name, kind in plain.items():
            print(f"{name:<{width}}  {kind.p50_ms:>6.1f} ms  {kind.counts()}")
        return []
    print(
        f"Round trips per request, without latency and with {store_ms:g} ms a DynamoDB round trip and "
        f"{sql_ms:g} ms a SQL one: DynamoDB requests (sequential) / SQL statements (sequential)"
    )
    width = max(len(name) for name in plain)
    print(f"{'request':<{width}}  {'p50 bare':>9}  {'p50 latency':>11}  {'added':>8}  {'round trips':<38}  target")
    missed = []
    for name, kind in plain.items():
        late = delayed[name]
        target, verdict = "", ""
        if name in TARGET_ROUND_TRIPS:
            allowed = TARGET_ROUND_TRIPS[name] * store_ms
            target = f"≤ +{allowed:g} ms"
            met = late.p50_ms - kind.p50_ms <= allowed
            verdict = "MET" if met else f"MISSED ({why_not(late, store_ms, sql_ms)})"
            if not met:
                missed.append(name)
        print(
            f"{name:<{width}}  {kind.p50_ms:>6.1f} ms  {late.p50_ms:>8.1f} ms  {late.p50_ms - kind.p50_ms:>+5.1f} ms  "
            f"{late.counts():<38}  {target} {verdict}"
        )
    print("What each sends (DynamoDB | SQL, in the order sent; with latency):")
    for name, kind in delayed.items():
        print(f"  {name:<{width}}  {_shortened(kind.operations)}")
    changed = [name for name in plain if plain[name].counts() != delayed[name].counts()]
    if changed:
        print(f"(round trips differ between the two runs for: {', '.join(changed)})")
    print(f"round-trip targets missed: {len(missed)}" + (f" ({'; '.join(missed)})" if missed else ""))
    return missed


# The requests with a target: how many DynamoDB round trips their latency may add.
TARGET_ROUND_TRIPS = {"board, rendered": 2, "move to another column": 2, "add": 2}


def why_not(kind: KindFigures, store_ms: float, sql_ms: float) -> str:
    """What the waits add up to: the sequential round trips of each store at their latencies."""
    return (
        f"waits {kind.dynamodb_sequential} × {store_ms:g} ms DynamoDB + {kind.sql_sequential} × {sql_ms:g} ms SQL "
        f"= {kind.dynamodb_sequential * store_ms + kind.sql_sequential * sql_ms:g} ms"
    )


def _shortened(operations: str, most: int = 160) -> str:
    return operations if len(operations) <= most else operations[: most - 1] + "…"
