"""Items handed on as DynamoDB wrote them (books/raw_items.py) read exactly as botocore's parser
would have given them, for every type of value, on a real dynalite."""

from decimal import Decimal

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from boto3.dynamodb.types import Binary

EVERY_KIND_OF_VALUE = {
    "text": 'García — 「ノルウェイの森」 "quoted" \\ back',
    "whole": Decimal("42"),
    "half": Decimal("4.5"),
    "big": Decimal("123456789012345678901234567890"),
    "flag": True,
    "nothing": None,
    "list": ["a", Decimal("1"), {"nested": [{"deep": "x"}]}],
    "map": {"reads": [{"outcome": "finished", "finished_on": "2019-07"}], "empty": {}},
    "strings": {"b", "a"},
    "numbers": {Decimal("1"), Decimal("2.5")},
    "empty_list": [],
}


@pytest.fixture
def tables(books):
    """The same table through a resource with the hook (the app's) and one without."""
    plain = boto3.resource("dynamodb", region_name="us-east-1").Table(books.table_name)
    return books._table, plain


def test_a_query_and_a_get_read_every_kind_of_value_as_botocore_does(tables):
    hooked, plain = tables
    for number in range(3):
        hooked.put_item(Item={"user_id": "raw-items", "book_id": f"b{number}", **EVERY_KIND_OF_VALUE})
    query = {"KeyConditionExpression": Key("user_id").eq("raw-items"), "Limit": 2}
    hooked_page, plain_page = hooked.query(**query), plain.query(**query)
    assert hooked_page["Items"] == plain_page["Items"]
    assert hooked_page["Items"][0]["text"] == EVERY_KIND_OF_VALUE["text"]
    assert hooked_page["Items"][0]["numbers"] == {Decimal("1"), Decimal("2.5")}
    # The page's end comes back as a key the next page starts from.
    assert (
        hooked_page["LastEvaluatedKey"] == plain_page["LastEvaluatedKey"] == {"user_id": "raw-items", "book_id": "b1"}
    )
    rest = hooked.query(**query, ExclusiveStartKey=hooked_page["LastEvaluatedKey"])
    assert [item["book_id"] for item in rest["Items"]] == ["b2"]
    assert hooked_page["Count"] == 2
    key = {"user_id": "raw-items", "book_id": "b0"}
    assert hooked.get_item(Key=key)["Item"] == plain.get_item(Key=key)["Item"]
    assert "Item" not in hooked.get_item(Key={"user_id": "raw-items", "book_id": "missing"})


def test_an_answer_with_a_binary_value_is_left_to_botocore(tables):
    hooked, _ = tables
    hooked.put_item(Item={"user_id": "raw-items-binary", "book_id": "b", "cover": Binary(b"\x00\xff")})
    item = hooked.get_item(Key={"user_id": "raw-items-binary", "book_id": "b"})["Item"]
    assert item["cover"] == Binary(b"\x00\xff")


def test_botocore_parses_the_answer_without_its_items(tables):
    """What makes the board faster: botocore's walk no longer sees the items (a handler registered
    after the hook sees the body botocore is about to parse)."""
    hooked, _ = tables
    hooked.put_item(Item={"user_id": "raw-items-walk", "book_id": "b", **EVERY_KIND_OF_VALUE})
    bodies = []
    events = hooked.meta.client.meta.events
    record = lambda response_dict, **_: bodies.append(response_dict["body"])  # noqa: E731
    events.register("before-parse.dynamodb.Query", record)
    try:
        items = hooked.query(KeyConditionExpression=Key("user_id").eq("raw-items-walk"))["Items"]
    finally:
        events.unregister("before-parse.dynamodb.Query", record)
    assert items[0]["map"] == EVERY_KIND_OF_VALUE["map"]
    assert b"Items" not in bodies[0]
    assert b'"Count": 1' in bodies[0]
