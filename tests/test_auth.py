"""Signing in and out, and who may see what."""

import pytest

from tests.conftest import PASSWORD, Browser


def test_login_page_has_labelled_fields_and_sign_in_button(browser):
    page = browser.get("/login").get_data(as_text=True)
    assert '<label for="username" class="form-label">Username</label>' in page
    assert '<label for="password" class="form-label">Password</label>' in page
    assert ">Sign in</button>" in page
    assert "<title>Sign in · Book Tracking Online</title>" in page


def test_sign_in_leads_to_the_board(browser, make_user):
    make_user("alice")
    response = browser.post("/login", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    board = browser.get("/").get_data(as_text=True)
    assert "Signed in as <strong>alice</strong>" in board


def test_usernames_are_matched_without_case_or_spaces(browser, make_user):
    make_user("alice")
    assert browser.post("/login", {"username": "  Alice ", "password": PASSWORD}).status_code == 303


@pytest.mark.parametrize(
    "username, password",
    [("alice", "wrong password entirely"), ("nobody", PASSWORD), ("nobody", "wrong password entirely")],
)
def test_wrong_credentials_get_one_generic_message_and_keep_the_username(browser, make_user, username, password):
    make_user("alice")
    response = browser.post("/login", {"username": username, "password": password})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "That username and password do not match an account." in page
    assert f'value="{username}"' in page
    assert password not in page
    assert "Signed in as" not in browser.get("/login").get_data(as_text=True)


def test_empty_fields_are_asked_for(browser):
    page = browser.post("/login", {"username": "", "password": ""}).get_data(as_text=True)
    assert "Enter your username." in page
    assert "Enter your password." in page


def test_log_out_is_on_every_page_and_signs_out(reader):
    for url in ["/", "/no-such-page"]:
        assert ">Log out</button>" in reader.get(url).get_data(as_text=True)
    response = reader.post("/logout")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert reader.get("/").status_code == 302


def test_sign_in_returns_to_the_page_asked_for_but_never_offsite(browser, make_user):
    make_user("alice")
    response = browser.post("/login?next=/admin/users", {"username": "alice", "password": PASSWORD})
    assert response.headers["Location"] == "/admin/users"
    browser.post("/logout")
    for evil in ["https://evil.example/", "//evil.example/x", "/\\evil.example"]:
        browser.csrf_token = None
        response = browser.post(f"/login?next={evil}", {"username": "alice", "password": PASSWORD})
        assert response.headers["Location"] == "/", evil
        browser.post("/logout")


# The only pages an anonymous visitor may see: sign-in, static files, the load balancer's health check,
# the API's description, and an invitation link's page (the link's secret is what admits them).
PUBLIC_ENDPOINTS = {"static", "auth.login", "healthz", "api.openapi", "api.reference", "auth.accept_invitation_page"}


def protected_urls(app):
    """Every GET-able page except login and static files, with placeholder arguments."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or "GET" not in rule.methods:
            continue
        placeholders = {
            "book_id": "01JABCDEFGHJKMNPQRSTVWXYZ0",
            "user_id": 1,
            "token_id": 1,
            "year": 2024,
            "job_id": 1,
            "line": 2,
            "invitation_id": 1,
        }
        values = {arg: placeholders.get(arg, "reading") for arg in rule.arguments}
        urls.append(rule.build(values, append_unknown=False)[1])
    return urls


def test_anonymous_visitors_are_sent_to_login_from_every_page(app):
    browser = Browser(app)
    urls = protected_urls(app)
    assert "/" in urls and "/admin/users" in urls and len(urls) >= 8
    for url in urls:
        response = browser.get(url)
        if url.startswith("/api/"):  # a script is told, not redirected to a page it cannot use
            assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer"), url
            continue
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url


def test_anonymous_posts_are_sent_to_login_too(app):
    browser = Browser(app)
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and rule.endpoint not in ("auth.login", "auth.accept_invitation_page"):
            values = {arg: "01JABCDEFGHJKMNPQRSTVWXYZ0" if arg == "book_id" else 1 for arg in rule.arguments}
            url = rule.build(values, append_unknown=False)[1]
            response = browser.post(url)
            if url.startswith("/api/"):
                assert response.status_code == 401, url
                continue
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/login"), url
