"""What bench/run.py needs of the app (BENCHMARK_MODE=1 only): metering of the stores, and /bench/ping.

With BENCHMARK_MODE on, every DynamoDB call asks for its consumed capacity, and each response
carries headers saying what its request cost: `X-DynamoDB-Requests` (calls made), `X-DynamoDB-Operations`
(their names, in the order they were sent), `X-DynamoDB-Items` (items read), `X-DynamoDB-Capacity`
(capacity units), `X-SQL-Statements` (round trips to the users database: statements, and with MariaDB the pool's
pings, COMMITs and ROLLBACKs), `X-SQL-Operations` (their names) and, for each store and
for both together, how many round trips the request waited for one after the other:
`X-DynamoDB-Sequential`, `X-SQL-Sequential`, `X-Stores-Sequential`.
Counted with botocore's event hooks and SQLAlchemy's cursor events, so the numbers are what was
really sent; each call's start and end are taken there, and calls that overlap in time (a board's
concurrent reads) count as one round trip (`sequential_round_trips`)."""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterable, Iterator
from typing import Any

from flask import Flask, Response
from sqlalchemy import event

from bookapp.extensions import db

# Operations that accept ReturnConsumedCapacity.
_METERED = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchWriteItem", "BatchGetItem"}
# The calls of the request being answered: a context variable, so the reads a request sends from
# the concurrent-reads pool (which runs them in a copy of the request's context) are counted with it.
_request_calls: contextvars.ContextVar[list[dict[str, Any]] | None] = contextvars.ContextVar(
    "bench_request_calls", default=None
)


def sequential_round_trips(spans: Iterable[tuple[float, float]]) -> int:
    """How many round trips a request waited for one after the other: its calls' (start, end)
    spans grouped where they overlap in time; each group of overlapping calls is one wait."""
    groups, group_end = 0, None
    for start, end in sorted(spans):
        if group_end is None or start >= group_end:
            groups += 1
            group_end = end
        else:
            group_end = max(group_end, end)
    return groups


def _record(call: dict[str, Any]) -> None:
    calls = _request_calls.get()
    if calls is not None:
        calls.append(call)  # list.append is atomic: the pool's threads append to the same list


class DynamoDBMeter:
    def attach(self, client: Any) -> None:
        client.meta.events.register("provide-client-params.dynamodb.*", self._ask_for_capacity)
        client.meta.events.register("before-call.dynamodb.*", self._start)
        client.meta.events.register("after-call.dynamodb.*", self._end)

    def _ask_for_capacity(self, params: dict, model: Any, **_: Any) -> None:
        if model.name in _METERED:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def _start(self, context: dict, **_: Any) -> None:
        context["bench_started"] = time.perf_counter()  # botocore's context is this call's own

    def _end(self, parsed: dict, model: Any, context: dict, **_: Any) -> None:
        capacity = parsed.get("ConsumedCapacity") or {}
        if isinstance(capacity, list):  # batch operations answer per table
            units = sum(entry.get("CapacityUnits", 0) for entry in capacity)
        else:
            units = capacity.get("CapacityUnits", 0)
        _record(
            {
                "store": "dynamodb",
                "operation": model.name,
                "items": _items_read(parsed),
                "capacity": float(units),
                "started": context.get("bench_started", time.perf_counter()),
                "ended": time.perf_counter(),
            }
        )


class SQLMeter:
    """Each round trip to the users database. With PyMySQL (MariaDB, as deployed), every command the
    driver sends, whether SQLAlchemy issues it as a statement or not: the pool's ping at checkout,
    COMMIT, and the ROLLBACK that ends a session or resets a connection returned to the pool are
    round trips too. With another driver (SQLite in the tests), the statements only."""

    def attach(self, engine: Any) -> None:
        if engine.dialect.driver == "pymysql":
            event.listen(engine, "do_connect", self._connect_metered)
            engine.dispose()  # connections made before this would not be metered
        else:
            event.listen(engine, "before_cursor_execute", self._start)
            event.listen(engine, "after_cursor_execute", self._end)

    def _connect_metered(self, dialect: Any, record: Any, cargs: tuple, cparams: dict) -> Any:
        return _metered_pymysql_connection()(*cargs, **cparams)

    def _start(self, connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        connection.info["bench_started"] = time.perf_counter()  # one statement at a time per connection

    def _end(self, connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        ended = time.perf_counter()
        started = connection.info.pop("bench_started", ended)
        _record({"store": "sql", "operation": statement.split(None, 1)[0].upper(), "started": started, "ended": ended})


def _metered_pymysql_connection() -> type:
    """A PyMySQL connection that records each command it sends and waits for (imported here: only
    a MariaDB app in benchmark mode needs it)."""
    import pymysql

    class MeteredConnection(pymysql.connections.Connection):
        def query(self, sql: Any, unbuffered: bool = False) -> Any:
            text = sql.decode(errors="replace") if isinstance(sql, bytes) else str(sql)
            with _timed(text.split(None, 1)[0].upper() if text.strip() else "QUERY"):
                return super().query(sql, unbuffered)

        def ping(self, reconnect: bool = False) -> Any:
            with _timed("PING"):
                return super().ping(reconnect)

        def commit(self) -> Any:
            with _timed("COMMIT"):
                return super().commit()

        def rollback(self) -> Any:
            with _timed("ROLLBACK"):
                return super().rollback()

    return MeteredConnection


@contextlib.contextmanager
def _timed(operation: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        _record({"store": "sql", "operation": operation, "started": started, "ended": time.perf_counter()})


def metering_headers(calls: list[dict[str, Any]]) -> dict[str, str]:
    """The response headers that report a request's `calls`."""
    calls = sorted(calls, key=lambda call: call["started"])
    dynamodb = [call for call in calls if call["store"] == "dynamodb"]
    sql = [call for call in calls if call["store"] == "sql"]

    def spans(some: list[dict[str, Any]]) -> list[tuple[float, float]]:
        return [(call["started"], call["ended"]) for call in some]

    return {
        "X-DynamoDB-Requests": str(len(dynamodb)),
        "X-DynamoDB-Operations": ",".join(call["operation"] for call in dynamodb),
        "X-DynamoDB-Items": str(sum(call["items"] for call in dynamodb)),
        "X-DynamoDB-Capacity": f"{sum(call['capacity'] for call in dynamodb):g}",
        "X-DynamoDB-Sequential": str(sequential_round_trips(spans(dynamodb))),
        "X-SQL-Statements": str(len(sql)),
        "X-SQL-Operations": ",".join(call["operation"] for call in sql),
        "X-SQL-Sequential": str(sequential_round_trips(spans(sql))),
        "X-Stores-Sequential": str(sequential_round_trips(spans(calls))),
    }


def init_app(app: Flask) -> None:
    """Meter the app's book repository (built before this is called) and its users database, and
    serve /bench/ping."""
    DynamoDBMeter().attach(app.extensions["book_repository"].client)
    with app.app_context():
        SQLMeter().attach(db.engine)

    def start_metering() -> None:
        _request_calls.set([])

    # First of all the hooks: the user row another hook may load is part of the request's cost.
    app.before_request_funcs.setdefault(None, []).insert(0, start_metering)

    @app.after_request
    def report_metering(response: Response) -> Response:
        response.headers.update(metering_headers(_request_calls.get() or []))
        return response

    @app.get("/bench/ping")
    def bench_ping() -> str:
        """The cheapest response this stack can give: the ceiling the board is compared with."""
        return "pong"


def _items_read(parsed: dict) -> int:
    """Items an answer holds: a Query's count, a GetItem's one, a BatchGetItem's per table."""
    if "Count" in parsed:
        return parsed["Count"]
    if "Responses" in parsed:
        return sum(len(items) for items in parsed["Responses"].values())
    return 1 if "Item" in parsed else 0
