"""What Elastic Beanstalk gets: valid CloudFormation, the same table the code creates, hashed static
files that nginx serves like the app would, a lean bundle and an IAM policy with exactly the DynamoDB
actions the code calls."""

import datetime as dt
import io
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pathspec
import yaml

from bookapp.books import Status
from bookapp.books.items import table_definition
from bookapp.response_headers import protection_headers
from bookapp.static_files import HASHED_CACHE_CONTROL, OUTPUT_FOLDER, source_names
from tests.conftest import ROOT, Browser

EBEXTENSIONS = ROOT / ".ebextensions"
NGINX_STATIC_CONF = ROOT / ".platform" / "nginx" / "conf.d" / "elasticbeanstalk" / "static-dist.conf"
EB_APP_FOLDER = "/var/app/current"  # where Elastic Beanstalk puts the bundle on an instance


class CloudFormationLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !GetAtt …) read as plain values."""


CloudFormationLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def ebextensions() -> dict[str, dict]:
    # CloudFormationLoader is a SafeLoader: it builds plain values only.
    return {
        path.name: yaml.load(path.read_text(), CloudFormationLoader)  # noqa: S506
        for path in sorted(EBEXTENSIONS.glob("*.config"))
    }


def declared_table() -> dict:
    tables = [
        resource
        for config in ebextensions().values()
        for resource in (config.get("Resources") or {}).values()
        if resource["Type"] == "AWS::DynamoDB::Table"
    ]
    assert len(tables) == 1
    return tables[0]


def test_cloudformation_in_ebextensions_passes_cfn_lint(tmp_path):
    resources = {}
    for config in ebextensions().values():
        resources.update(config.get("Resources") or {})
    template = tmp_path / "ebextensions-resources.yaml"
    template.write_text(
        yaml.safe_dump({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}, sort_keys=False)
    )
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--regions", "us-east-1", "--", str(template)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_declared_table_is_retained_with_point_in_time_recovery():
    table = declared_table()
    assert table["DeletionPolicy"] == "Retain" and table["UpdateReplacePolicy"] == "Retain"
    assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def normalized(definition: dict) -> dict:
    """Keys, attribute types and indexes, in an order-free form."""
    return {
        "keys": [(k["AttributeName"], k["KeyType"]) for k in definition["KeySchema"]],
        "attributes": sorted((a["AttributeName"], a["AttributeType"]) for a in definition["AttributeDefinitions"]),
        "indexes": sorted(
            (
                index["IndexName"],
                tuple((k["AttributeName"], k["KeyType"]) for k in index["KeySchema"]),
                index["Projection"]["ProjectionType"],
            )
            for index in definition.get("GlobalSecondaryIndexes", [])
        ),
    }


def test_declared_table_matches_what_create_books_table_creates(app, books):
    declared = normalized(declared_table()["Properties"])
    assert declared == normalized(table_definition("any"))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["create-books-table"]).exit_code == 0
    created = books._dynamodb.meta.client.describe_table(TableName=books.table_name)["Table"]
    assert normalized(created) == declared


def test_environment_takes_the_table_from_the_resource_and_checks_health():
    options = ebextensions()["01_environment.config"]["option_settings"]
    environment = options["aws:elasticbeanstalk:application:environment"]
    assert environment["BOOKS_TABLE"] == '`{"Ref" : "BooksTable"}`'
    assert environment["BOOKAPP_CONFIG"] == "production"
    assert "SECRET_KEY" not in environment and "DATABASE_URL" not in environment  # set by the operator
    assert options["aws:elasticbeanstalk:environment:proxy:staticfiles"] == {"/static": "bookapp/static"}
    assert options["aws:elasticbeanstalk:environment:process:default"]["HealthCheckPath"] == "/healthz"


def test_migrations_run_once_per_deploy_on_the_leader():
    commands = ebextensions()["03_migrate.config"]["container_commands"]
    (command,) = commands.values()
    assert command["leader_only"] is True
    assert command["command"].endswith("flask --app application db upgrade")


def test_static_files_are_built_on_every_instance_before_the_app_starts():
    (command,) = ebextensions()["04_static_files.config"]["container_commands"].values()
    assert command["command"].endswith("flask --app application build-static")
    assert not command.get("leader_only")  # each instance's nginx serves its own folder


def nginx_location(path: Path) -> tuple[str, list[list[str]]]:
    """The one `location` block of an nginx file: its prefix and its directives (quotes honoured)."""
    lexer = shlex.shlex(path.read_text(), posix=True, punctuation_chars=";{}")
    lexer.whitespace_split = True  # '#' starts a comment, as in nginx
    tokens = list(lexer)
    assert tokens[0] == "location" and tokens[2] == "{" and tokens[-1] == "}", tokens[:3]
    directives, current = [], []
    for token in tokens[3:-1]:
        if token == ";":
            directives.append(current)
            current = []
        else:
            current.append(token)
    assert current == [], "a directive without its ;"
    return tokens[1], directives


def test_nginx_serves_the_hashed_files_gzipped_for_a_year_with_the_apps_headers():
    """Elastic Beanstalk's nginx answers /static/dist/ itself: the same answers as WhiteNoise gives."""
    static_url, static_folder = next(
        iter(
            ebextensions()["01_environment.config"]["option_settings"][
                "aws:elasticbeanstalk:environment:proxy:staticfiles"
            ].items()
        )
    )
    prefix, directives = nginx_location(NGINX_STATIC_CONF)
    assert prefix == f"{static_url}/{OUTPUT_FOLDER}/"
    settings = {directive[0]: directive[1:] for directive in directives if directive[0] != "add_header"}
    assert settings["alias"] == [f"{EB_APP_FOLDER}/{static_folder}/{OUTPUT_FOLDER}/"]
    assert settings["gzip_static"] == ["on"] and settings["gzip_vary"] == ["on"]
    assert "expires" not in settings  # it would add a second Cache-Control
    headers = {directive[1]: directive[2:] for directive in directives if directive[0] == "add_header"}
    # A year for what was found; never for a 404, which `always` would cover too.
    assert headers.pop("Cache-Control") == [HASHED_CACHE_CONTROL]
    # Production sends HSTS; the other protections on every answer, errors included.
    assert headers == {name: [value, "always"] for name, value in protection_headers(hsts=True).items()}


def bundle_files(root: Path) -> set[str]:
    """The files `eb deploy` would zip: everything under the project folder but what .ebignore
    excludes (gitignore syntax, read with pathspec as the EB CLI reads it)."""
    spec = pathspec.PathSpec.from_lines("gitignore", (root / ".ebignore").read_text().splitlines())
    files = set()
    for folder, _, names in os.walk(root):
        for name in names:
            relative = (Path(folder) / name).relative_to(root).as_posix()
            if not spec.match_file(relative):
                files.add(relative)
    return files


def test_bundle_carries_the_app_and_nothing_else(tmp_path):
    # A checkout as an operator has it: the tracked files plus what running and testing leave behind.
    git_files = ["git", "ls-files", "--cached", "--others", "--exclude-standard"]
    tracked = subprocess.run(git_files, cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    leftovers = [
        ".venv/bin/python",
        "node_modules/dynalite/cli.js",
        "instance/bookapp.sqlite3",
        "instance/dynalite/CURRENT",
        "bookapp/__pycache__/config.cpython-311.pyc",
        ".pytest_cache/README.md",
        "test-artifacts/board.png",
        ".elasticbeanstalk/config.yml",
        "bookapp/static/dist/manifest.json",
        "bookapp/static/dist/app.0123abcd.css.gz",
    ]
    for relative in tracked + leftovers:
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / relative).is_file():
            target.write_bytes((ROOT / relative).read_bytes())
        else:
            target.write_text("")
    bundle = bundle_files(tmp_path)
    for required in [
        "application.py",
        "Procfile",
        "gunicorn.conf.py",
        "requirements.txt",
        "bookapp/__init__.py",
        "bookapp/templates/base.html",
        "bookapp/static/app.css",
        "migrations/env.py",
        ".ebextensions/02_books_table.config",
        ".ebextensions/04_static_files.config",
        ".platform/nginx/conf.d/elasticbeanstalk/static-dist.conf",
    ]:
        assert required in bundle, required
    # The instance builds the hashed copies (04_static_files.config) from every file they come from,
    # so a local build stays out of the bundle.
    assert {f"bookapp/static/{name}" for name in source_names(ROOT / "bookapp" / "static")} <= bundle
    assert any(path.startswith("migrations/versions/") for path in bundle)
    excluded = (
        ".venv/",
        "node_modules/",
        "instance/",
        "tests/",
        "scripts/",
        "local_services/",
        ".git/",
        "__pycache__",
        ".pytest_cache/",
        "test-artifacts/",
        ".elasticbeanstalk/",
        "docs/",
        "deploy/",
        "bookapp/static/dist/",
    )
    assert not [path for path in bundle if path.startswith(excluded) or "__pycache__" in path]
    assert "requirements-dev.txt" not in bundle and "package.json" not in bundle


def test_iam_policy_allows_exactly_the_dynamodb_actions_the_app_calls(app, make_user, books):
    """Exercise every request path (board, add, move, edit, delete, show more, an import, user deletion,
    health check) and record each DynamoDB operation with botocore's event hooks."""
    calls: set[str] = set()
    for client in (books._dynamodb.meta.client, books._health_client):
        client.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.add(model.name))

    make_user("boss", is_admin=True)
    alice = make_user("alice")
    for i in range(7):
        books.add(alice.books_key, f"Book {i}", "Author", Status.NOT_STARTED, dt.date(2026, 1, 1))
    reader = Browser(app)
    reader.login("alice")
    board = reader.get("/").get_data(as_text=True)
    book = books.list_column(alice.books_key, Status.NOT_STARTED, 1).books[0]
    reader.post(f"/books/{book.book_id}/move", {"status": "reading", "version": 1}, htmx=True)
    reader.post(f"/books/{book.book_id}/edit", {"title": "T", "author": "A", "version": 2})
    reader.post(f"/books/{book.book_id}/delete")
    reader.post("/books", {"title": "New", "author": "A", "status": "finished"})
    cursor = board.split("/columns/not_started?after=")[1].split('"')[0]
    reader.get(f"/columns/not_started?after={cursor}", htmx=True)
    export = "Book Id,Title,Author,Exclusive Shelf\n1,Dune,Frank Herbert,read\n2,Book 1,Author,to-read\n"
    job_url = reader.post("/import", {"export_file": (io.BytesIO(export.encode()), "x.csv")}).headers["Location"]
    reader.get(job_url)
    reader.post(f"{job_url}/start", {"existing": "update", "action": "start"})
    while "import-done" not in reader.post(f"{job_url}/next", htmx=True).get_data(as_text=True):
        pass
    admin = Browser(app)
    admin.login("boss")
    admin.post(f"/admin/users/{alice.id}/delete")
    assert app.test_client().get("/healthz").status_code == 200

    policy = json.loads((ROOT / "deploy" / "iam-books-policy.json").read_text())
    (statement,) = policy["Statement"]
    allowed = {action.removeprefix("dynamodb:") for action in statement["Action"]}
    assert calls == allowed
    assert all(
        resource.endswith(("table/${BooksTable}", "table/${BooksTable}/index/*")) for resource in statement["Resource"]
    )
