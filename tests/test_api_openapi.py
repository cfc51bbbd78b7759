"""The API's description: an OpenAPI 3.1 document generated from the models the routes validate
with, covering every route the app serves under /api/v1, and a reference page for people."""

import re

from bookapp.blueprints.api.schemas import BookChangeIn, BookOut, NewBook


def test_the_document_is_openapi_3_1_and_public(app):
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["bearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal access token (bt_…).",
    }
    assert "120 per minute" in document["info"]["description"]  # the configured limit per token


def test_the_document_describes_every_api_route_the_app_serves_and_no_other(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    described = {(method.upper(), "/api" + path) for path, methods in document["paths"].items() for method in methods}
    served = {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert described == served


def test_the_schemas_are_the_models_the_routes_validate_with(app):
    schemas = app.test_client().get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for model in (NewBook, BookChangeIn):
        properties = model.model_json_schema()["properties"]
        assert set(schemas[model.__name__]["properties"]) == set(properties)
        assert schemas[model.__name__]["additionalProperties"] is False  # unknown fields are refused
    assert set(schemas["BookOut"]["properties"]) == set(BookOut.model_fields)
    assert schemas["BookChangeIn"]["properties"]["rating"]["anyOf"][0] == {
        "maximum": 5.0,
        "minimum": 0.5,
        "multipleOf": 0.5,
        "type": "number",
    }


def test_every_write_documents_its_refusals(app):
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    change = paths["/v1/books/{book_id}"]["patch"]
    assert {"200", "401", "403", "404", "409", "422", "428", "429", "default"} <= set(change["responses"])
    assert change["responses"]["409"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    assert {"name": "If-Match", "in": "header"}.items() <= change["parameters"][1].items()
    assert paths["/v1/openapi.json"]["get"]["security"] == []


def test_the_reference_page_shows_every_operation_and_model_in_the_apps_style(app):
    response = app.test_client().get("/api/docs")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>API reference · Book Tracking Online</title>" in page
    for operation in ("GET /api/v1/books", "POST /api/v1/books", "PATCH /api/v1/books/{book_id}", "GET /api/v1/me"):
        assert f"<code>{operation}</code>" in page
    assert 'id="model-BookChangeIn"' in page and 'id="model-Problem"' in page
    assert "at most 20000 characters" in page  # the notes' limit, from the model
    assert "cdn" not in page.lower() and "<script>" not in page


def test_only_writes_to_a_book_as_seen_document_409_and_428(app):
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    assert {"409", "428"} <= set(paths["/v1/books/{book_id}"]["delete"]["responses"])
    assert not {"409", "428"} & set(paths["/v1/books"]["post"]["responses"])
    assert "403" in paths["/v1/books"]["post"]["responses"] and "403" not in paths["/v1/books"]["get"]["responses"]
