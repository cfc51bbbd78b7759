"""The Host header: a foreign one never shows up in a redirect, ALLOWED_HOSTS refuses it, and the load
balancer's health check answers whatever the Host.

All in the production configuration. Routing redirects (a missing trailing slash, doubled slashes) are
made for every route of the URL map, so a route added later is covered too.
"""

from __future__ import annotations

import http.client
import logging
from urllib.parse import urlsplit

import pytest

from bookapp import create_app
from bookapp.config import DevelopmentConfig, ProductionConfig, TestingConfig
from local_services import free_port, production_environment, start_gunicorn, stop, wait_for_port
from tests.conftest import PASSWORD, Browser, start_up_warnings
from tests.security.test_route_discovery import RULES, build
from tests.test_gunicorn import Client

FOREIGN = "evil.example"
OURS = "books.example.com"
# What Elastic Beanstalk's load balancer sends to /healthz: the instance's private address.
LOAD_BALANCER_HOSTS = ["172.31.5.9", "172.31.5.9:80", "10.0.1.23:8000"]
NOT_THIS_SITE = "This server does not answer to the address you used."

URL_VALUES = {
    "book_id": "01JABCDEFGHJKMNPQRSTVWXYZ0",
    "user_id": 1,
    "token_id": 1,
    "status": "reading",
    "year": 2024,
    "filename": "app.css",
    "index": 0,
    "job_id": 1,
    "line": 2,
    "invitation_id": 1,
    "secret": "not-a-link",
}


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def production(app, database_url, make_user):
    """A production app on the suite's database and this test's books table, with its settings on top,
    and an admin (boss) to sign in as."""
    make_user("boss", is_admin=True)

    def build_app(**settings):
        return create_app(
            ProductionConfig,
            {
                "SECRET_KEY": "a-production-like-secret-key-of-47-characters!!",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "BOOKS_TABLE": app.config["BOOKS_TABLE"],
                **settings,
            },
        )

    return build_app


def redirecting_urls(rule) -> list[str]:
    """The rule's URL as routing redirects it: with every slash doubled, with a query, and with its
    trailing slash toggled (which may match nothing: a 404)."""
    url = build(rule, **URL_VALUES)
    doubled = url.replace("/", "//")
    toggled = url[:-1] if url.endswith("/") and url != "/" else url + "/"
    return [doubled, doubled + "?next=/x", toggled]


def send(browser: Browser, method: str, url: str, csrf: bool = True):
    """`url` exactly as written: the test client would read a leading "//" as a host name, a server does not."""
    path, _, query = url.partition("?")
    overrides = {"environ_overrides": {"PATH_INFO": path, "QUERY_STRING": query}}
    return browser.get("/", **overrides) if method == "GET" else browser.post("/", csrf=csrf, **overrides)


ROUTE_CASES = [
    pytest.param(method, rule, id=f"{method} {rule.rule}")
    for rule in RULES
    if rule.endpoint != "static"  # WhiteNoise answers /static/ before the app, under any Host
    for method in ("GET", "POST")
    if method in rule.methods
]


def assert_names_no_host(response, method: str, url: str) -> None:
    where = f"{method} {url} → {response.status_code}"
    assert response.status_code < 500, where
    assert all(FOREIGN not in value for value in response.headers.values()), f"{where}: {response.headers}"
    location = response.headers.get("Location")
    if location is not None:
        assert location.startswith("/") and not location.startswith("//"), f"{where}: Location {location}"


# -- without ALLOWED_HOSTS: any Host, and redirects that never name it -------------------------------


def test_a_missing_trailing_slash_redirects_to_a_path_not_to_the_host(production):
    client = production().test_client()
    response = client.get("/admin?x=1", base_url=f"https://{FOREIGN}")
    assert (response.status_code, response.headers["Location"]) == (308, "/admin/?x=1")
    response = client.get("/columns//reading", base_url=f"https://{FOREIGN}")
    assert (response.status_code, response.headers["Location"]) == (308, "/columns/reading")


@pytest.mark.parametrize(("method", "rule"), ROUTE_CASES)
def test_a_foreign_host_never_shows_in_a_redirect_on_any_route(production, method, rule):
    """As an anonymous visitor and signed in there (production answers any Host until ALLOWED_HOSTS is set)."""
    app = production()
    signed_in = Browser(app, base_url=f"https://{FOREIGN}")
    signed_in.login("boss")
    redirects = 0
    for browser in (Browser(app, base_url=f"https://{FOREIGN}"), signed_in):
        for url in redirecting_urls(rule):
            response = send(browser, method, url)
            assert_names_no_host(response, method, url)
            redirects += response.status_code == 308
    if rule.rule.strip("/").count("/"):  # doubled slashes inside a path redirect; leading ones are just dropped
        assert redirects >= 4, "routing made fewer redirects than expected: nothing to check"


# -- with ALLOWED_HOSTS ------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "rule"), ROUTE_CASES)
def test_with_allowed_hosts_a_foreign_host_is_refused_on_every_route(production, caplog, method, rule):
    app = production(ALLOWED_HOSTS=[OURS])
    browser = Browser(app, base_url=f"https://{FOREIGN}")
    for url in [build(rule, **URL_VALUES), *redirecting_urls(rule)]:
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="bookapp.hosts"):
            response = send(browser, method, url, csrf=False)
        if url.partition("?")[0].lstrip("/") == "healthz":  # leading slashes are dropped: still the health check
            assert response.status_code == 200
            continue
        assert response.status_code == 400, f"{method} {url}: {response.status_code}"
        assert NOT_THIS_SITE in text(response)
        assert "Location" not in response.headers
        assert_names_no_host(response, method, url)
        (logged,) = [record.getMessage() for record in caplog.records]
        assert logged.startswith(f"host not allowed host='{FOREIGN}' {method} /")


@pytest.mark.parametrize("host", ["", "books.example.com.evil.example", "evil.example/books.example.com", "a b"])
def test_with_allowed_hosts_a_near_miss_or_malformed_host_is_refused(production, host):
    client = production(ALLOWED_HOSTS=[OURS]).test_client()
    response = client.get("/login", headers={"Host": host})
    assert response.status_code == 400
    assert NOT_THIS_SITE in text(response)


@pytest.mark.parametrize(
    ("allowed", "base_url"),
    [
        ([OURS], f"https://{OURS}"),
        ([OURS], f"https://{OURS.upper()}"),
        ([OURS], f"https://{OURS}:8443"),
        ([OURS, "bookapp-prod.eu-west-1.elasticbeanstalk.com"], "https://bookapp-prod.eu-west-1.elasticbeanstalk.com"),
        ([".example.com"], f"https://{OURS}"),
        (["192.168.1.20"], "http://192.168.1.20:8000"),
    ],
)
def test_an_allowed_host_signs_in_and_redirects_as_before(production, allowed, base_url):
    app = production(ALLOWED_HOSTS=allowed, SESSION_COOKIE_SECURE=base_url.startswith("https"))
    browser = Browser(app, base_url=base_url)
    assert browser.get("/login").status_code == 200
    response = browser.post("/login?next=/admin", {"username": "boss", "password": PASSWORD})
    assert (response.status_code, response.headers["Location"]) == (303, "/admin")
    assert browser.get("/admin").headers["Location"] == "/admin/"
    assert browser.get("/admin/users").status_code == 200


def test_a_suffix_rule_does_not_allow_the_bare_domain_nor_lookalikes(production):
    client = production(ALLOWED_HOSTS=[".example.com"]).test_client()
    assert client.get("/login", base_url="https://example.com.evil.example").status_code == 400
    assert client.get("/login", base_url="https://notexample.com").status_code == 400


@pytest.mark.parametrize("host", LOAD_BALANCER_HOSTS)
def test_the_health_check_answers_the_load_balancer_whatever_the_host(production, host):
    client = production(ALLOWED_HOSTS=[OURS]).test_client()
    response = client.get("/healthz", headers={"Host": host})
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok", "books": "ok"}}
    # Only the health check: the same address gets nothing else.
    assert client.get("/login", headers={"Host": host}).status_code == 400
    assert client.get("/healthz/", headers={"Host": host}).status_code == 400


# -- start-up ----------------------------------------------------------------------------------------

WARNING_LOGGER = "bookapp.config"


def test_production_without_allowed_hosts_says_so_at_start_up(caplog, tmp_path, monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "k" * 64)
    (warning,) = start_up_warnings(caplog, WARNING_LOGGER, ProductionConfig, tmp_path)
    assert "ALLOWED_HOSTS is not set" in warning and "any host name" in warning and "\n" not in warning


@pytest.mark.parametrize(
    ("config_class", "settings"),
    [
        pytest.param(ProductionConfig, {"ALLOWED_HOSTS": [OURS]}, id="production with ALLOWED_HOSTS"),
        pytest.param(DevelopmentConfig, {"SECRET_KEY": "d" * 64}, id="development"),
        pytest.param(TestingConfig, {}, id="testing"),
    ],
)
def test_no_host_warning_where_hosts_are_named_or_outside_production(
    caplog, tmp_path, monkeypatch, config_class, settings
):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "k" * 64)
    assert start_up_warnings(caplog, WARNING_LOGGER, config_class, tmp_path, **settings) == []


# -- under gunicorn, configured from the environment as an operator does -----------------------------


def raw_get(port: int, path: str, host: str) -> http.client.HTTPResponse:
    """GET `path` byte for byte (a leading "//" included) with this Host header."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": host})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_under_gunicorn_allowed_hosts_come_from_the_environment(app, database_url, dynalite, make_user, tmp_path):
    make_user("alice")
    port = free_port()
    environment = production_environment(
        database_url=database_url,
        books_table=app.config["BOOKS_TABLE"],
        dynalite_port=urlsplit(dynalite).port,
        app_port=port,
    )
    environment.update(ALLOWED_HOSTS=" Books.Example.com , .example.org,127.0.0.1", GUNICORN_WORKERS="1")
    gunicorn = start_gunicorn(environment, tmp_path / "gunicorn.log")
    try:
        wait_for_port(port, timeout=30)

        for host in (OURS, f"{OURS}:443", "reading.example.org"):
            response = raw_get(port, "/admin//users", host)
            assert (response.status, response.getheader("Location")) == (308, "/admin/users"), host
        refused = raw_get(port, "/admin", FOREIGN)
        assert (refused.status, refused.getheader("Location")) == (400, None)
        assert raw_get(port, "/healthz", "172.31.5.9:80").status == 200

        # The outside scan's request: signed in, to the board, instead of a 500.
        client = Client(f"http://127.0.0.1:{port}")
        client.request("/login")
        form = {"csrf_token": client.csrf_token, "username": "alice", "password": PASSWORD}
        status, board = client.request("/login?next=/%0d%0aX-Injected:%201", form)
        assert status == 200 and "Signed in as <strong>alice</strong>" in board
    finally:
        stop(gunicorn)
    log = (tmp_path / "gunicorn.log").read_text()
    assert f"host not allowed host='{FOREIGN}' GET /admin" in log
    assert "ALLOWED_HOSTS is not set" not in log
