"""What bench/run.py needs of the app (BENCHMARK_MODE=1 only): DynamoDB metering and /bench/ping.

With BENCHMARK_MODE on, every DynamoDB call asks for its consumed capacity, and each response
carries headers saying what its request cost: `X-DynamoDB-Requests` (calls made), `X-DynamoDB-Operations`
(their names, in order), `X-DynamoDB-Items` (items read) and `X-DynamoDB-Capacity` (capacity units).
Counted with botocore's event hooks, so the numbers are what boto3 really sent."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, Response

# Operations that accept ReturnConsumedCapacity.
_METERED = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchWriteItem", "BatchGetItem"}


class DynamoDBMeter:
    def __init__(self) -> None:
        self._local = threading.local()  # one request per thread (gunicorn gthread workers)

    def attach(self, client: Any) -> None:
        client.meta.events.register("provide-client-params.dynamodb.*", self._ask_for_capacity)
        client.meta.events.register("after-call.dynamodb.*", self._record)

    def reset(self) -> None:
        self._local.calls = []

    def calls(self) -> list[dict[str, Any]]:
        return getattr(self._local, "calls", [])

    def _ask_for_capacity(self, params: dict, model: Any, **_: Any) -> None:
        if model.name in _METERED:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def _record(self, http_response: Any, parsed: dict, model: Any, **_: Any) -> None:
        capacity = parsed.get("ConsumedCapacity") or {}
        if isinstance(capacity, list):  # batch operations answer per table
            units = sum(entry.get("CapacityUnits", 0) for entry in capacity)
        else:
            units = capacity.get("CapacityUnits", 0)
        items = parsed.get("Count", 1 if "Item" in parsed else 0)
        if not hasattr(self._local, "calls"):
            self.reset()
        self._local.calls.append({"operation": model.name, "items": items, "capacity": float(units)})


def init_app(app: Flask) -> None:
    """Meter the app's book repository (built before this is called) and serve /bench/ping."""
    meter = DynamoDBMeter()
    meter.attach(app.extensions["book_repository"].client)

    @app.before_request
    def start_metering() -> None:
        meter.reset()

    @app.after_request
    def report_metering(response: Response) -> Response:
        calls = meter.calls()
        response.headers["X-DynamoDB-Requests"] = str(len(calls))
        response.headers["X-DynamoDB-Operations"] = ",".join(call["operation"] for call in calls)
        response.headers["X-DynamoDB-Items"] = str(sum(call["items"] for call in calls))
        response.headers["X-DynamoDB-Capacity"] = f"{sum(call['capacity'] for call in calls):g}"
        return response

    app.extensions["dynamodb_meter"] = meter

    @app.get("/bench/ping")
    def bench_ping() -> str:
        """The cheapest response this stack can give: the ceiling the board is compared with."""
        return "pong"
