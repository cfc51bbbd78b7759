"""Items in DynamoDB's answers handed on as DynamoDB wrote them, not walked by botocore's parser.

botocore parses every answer by walking the service model: for an item, each typed value
(`{"S": "Dune"}`) goes through the generic code for a structure of ten possible members. For the
JSON that DynamoDB sends, that walk ends with exactly the dictionaries `json.loads` already made
(strings stay strings, numbers stay digit strings, maps and lists nest the same way); only binary
values would differ (base64 in the JSON, bytes after parsing). So for answers that carry items,
this hook takes the items out of the body before botocore parses it and puts them back, as read,
after: boto3's table layer then turns the typed values into Python values as it always does.

Profiled on a 60-card board of books with full records, botocore's walk was a third of loading the
board (docs/performance.md, "The book record"); this also speeds up every read of a whole library
(search, stats, exports). An answer with a binary value, an error or anything unexpected is left to
botocore, whose result is then the same as without the hook.
"""

from __future__ import annotations

import json
from typing import Any

# The answers that carry items, and the members that hold them.
ITEM_MEMBERS = {
    "Query": ("Items", "LastEvaluatedKey"),
    "GetItem": ("Item",),
}
# A binary value is the one typed value whose parsed form differs from its JSON (base64 → bytes).
_BINARY_MARKERS = (b'"B":', b'"BS":')


def register(client: Any) -> None:
    """Hand the items of this client's Query and GetItem answers on as DynamoDB wrote them."""
    for operation in ITEM_MEMBERS:
        client.meta.events.register(f"before-parse.dynamodb.{operation}", take_items_out)


def take_items_out(operation_model: Any, response_dict: dict, customized_response_dict: dict, **_: Any) -> None:
    body = response_dict.get("body")
    if response_dict.get("status_code") != 200 or not isinstance(body, bytes):
        return
    if any(marker in body for marker in _BINARY_MARKERS):
        return
    try:
        answer = json.loads(body)
    except ValueError:
        return  # botocore reports it
    if not isinstance(answer, dict):
        return
    for member in ITEM_MEMBERS.get(operation_model.name, ()):
        if member in answer:
            customized_response_dict[member] = answer.pop(member)
    response_dict["body"] = json.dumps(answer).encode()
