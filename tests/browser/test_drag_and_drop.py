"""Drag and drop with a real mouse: between columns and within one, saved in place without a page
load, kept after a reload; a drop the server does not save goes back where it came from."""

from __future__ import annotations

import re

import boto3
import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.board_helpers import TALL_VIEWPORT, column_titles, drag_card, expect_titles
from tests.browser.test_board_flow import (
    add_book,
    card_in,
    cards,
    dates_around,
    expect_counts,
    expect_dates,
    expect_no_reload,
    mark_window,
    sign_in,
)

MOVE_URL = r"/books/[^/]+/move$"


@pytest.fixture
def board(new_page, make_user) -> Page:
    """alice's board in a viewport tall enough for every card to be dragged."""
    make_user("alice")
    page = new_page(viewport=TALL_VIEWPORT)
    sign_in(page, "alice")
    return page


def drop(page: Page, card, target, where: str = "top") -> None:
    """Drag and drop, and wait until the server's answer is in place."""
    with page.expect_response(re.compile(MOVE_URL)) as response:
        drag_card(page, card, target, where)
    assert response.value.ok, f"the move was answered with {response.value.status}"
    wait_for_htmx(page)


def wait_for_htmx(page: Page) -> None:
    """Until htmx has swapped and settled what it was sent (it marks elements while it works)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def test_drag_to_another_column_moves_the_book_there(board: Page):
    page = board
    add_book(page, "Orlando", "Virginia Woolf")
    add_book(page, "The Waves", "Virginia Woolf")
    mark_window(page)

    with dates_around() as started:
        drop(page, card_in(page, "not_started", "Orlando"), page.locator("#cards-reading"))
        moved = card_in(page, "reading", "Orlando")
        expect(moved).to_be_visible()
    expect_dates(moved, started)
    expect(moved.locator(".status-badge")).to_have_text("Reading")
    expect(moved.get_by_role("button", name=re.compile(r"^Move to Not started\b"))).to_be_visible()
    expect_titles(page, "not_started", ["The Waves"])
    expect_counts(page, 1, 1, 0)
    expect(page.locator("#messages")).to_contain_text("Moved “Orlando” to Reading.")
    expect(page.locator("#cards-reading .empty-state")).to_be_hidden()
    expect_no_reload(page)

    # On to Finished, dropped on the empty column: both dates now.
    with dates_around() as finished:
        drop(page, moved, page.locator("#cards-finished"))
        done = card_in(page, "finished", "Orlando")
        expect(done).to_be_visible()
    expect_dates(done, started, finished)
    expect_counts(page, 1, 0, 1)
    expect(page.locator("#cards-reading .empty-state")).to_be_visible()
    expect_no_reload(page)

    page.reload()
    expect_dates(card_in(page, "finished", "Orlando"), started, finished)
    expect_titles(page, "not_started", ["The Waves"])
    expect(cards(page, "reading")).to_have_count(0)
    expect_counts(page, 1, 0, 1)


def test_drag_within_a_column_and_between_cards_keeps_the_order(board: Page):
    page = board
    for title in ("Emma", "Persuasion", "Sense and Sensibility"):
        add_book(page, title, "Jane Austen")
    # Each new book lands on top.
    expect_titles(page, "not_started", ["Sense and Sensibility", "Persuasion", "Emma"])
    mark_window(page)

    # Bottom card up to the top, then the (new) top card down to the bottom.
    drop(page, card_in(page, "not_started", "Emma"), card_in(page, "not_started", "Sense and Sensibility"), "top")
    expect_titles(page, "not_started", ["Emma", "Sense and Sensibility", "Persuasion"])
    drop(page, card_in(page, "not_started", "Emma"), card_in(page, "not_started", "Persuasion"), "bottom")
    expect_titles(page, "not_started", ["Sense and Sensibility", "Persuasion", "Emma"])
    # The middle card to the top.
    drop(page, card_in(page, "not_started", "Persuasion"), card_in(page, "not_started", "Sense and Sensibility"))
    expect_titles(page, "not_started", ["Persuasion", "Sense and Sensibility", "Emma"])
    expect(page.locator("#messages")).to_contain_text("Moved “Persuasion” within Not started.")
    expect_counts(page, 3, 0, 0)  # a move within a column changes no count
    expect(card_in(page, "not_started", "Persuasion").locator(".book-dates")).to_have_count(0)

    # Between two cards of another column: it lands exactly there.
    drop(page, card_in(page, "not_started", "Emma"), page.locator("#cards-reading"))
    drop(page, card_in(page, "not_started", "Persuasion"), card_in(page, "reading", "Emma"), "top")
    expect_titles(page, "reading", ["Persuasion", "Emma"])
    drop(page, card_in(page, "not_started", "Sense and Sensibility"), card_in(page, "reading", "Emma"), "top")
    expect_titles(page, "reading", ["Persuasion", "Sense and Sensibility", "Emma"])
    expect_counts(page, 0, 3, 0)
    expect_no_reload(page)

    page.reload()
    expect_titles(page, "reading", ["Persuasion", "Sense and Sensibility", "Emma"])
    expect(cards(page, "not_started")).to_have_count(0)
    expect_counts(page, 0, 3, 0)


def _abort(route: Route) -> None:
    route.abort()


def _unavailable(route: Route) -> None:
    # What a load balancer answers while the app is being replaced: not the app's own message.
    route.fulfill(
        status=503,
        content_type="text/html",
        body="<html><head><title>503 Service Temporarily Unavailable</title></head>"
        "<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>",
    )


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (_abort, "The move could not be saved: the server did not answer. The card is back where it was."),
        (_unavailable, "The move could not be saved (error 503). The card is back where it was."),
    ],
    ids=["no-answer", "503"],
)
def test_a_drop_that_is_not_saved_goes_back(board: Page, page_problems, failure, message):
    page = board
    page_problems.allow_failed_requests(MOVE_URL)
    page_problems.allow_status(503)
    add_book(page, "Ulysses", "James Joyce")
    add_book(page, "Dubliners", "James Joyce")
    add_book(page, "Finnegans Wake", "James Joyce")
    move_card_to_reading(page, "Dubliners")
    before = {column: column_titles(page, column) for column in ("not_started", "reading")}
    assert before == {"not_started": ["Finnegans Wake", "Ulysses"], "reading": ["Dubliners"]}
    mark_window(page)

    page.route(re.compile(MOVE_URL), failure)
    # Across columns, into the middle of a column, and within a column: each goes back.
    attempts = [
        ("Ulysses", card_in(page, "reading", "Dubliners"), "top"),
        ("Dubliners", card_in(page, "not_started", "Ulysses"), "top"),
        ("Ulysses", card_in(page, "not_started", "Finnegans Wake"), "top"),
    ]
    for title, target, where in attempts:
        with page.expect_event("requestfinished" if failure is _unavailable else "requestfailed"):
            drag_card(page, any_card_named(page, title), target, where)
        expect(page.locator("#messages")).to_have_text(message)
        for column, titles in before.items():
            expect_titles(page, column, titles)
        page.evaluate("document.getElementById('messages').replaceChildren()")
    expect_counts(page, 2, 1, 0)
    expect(page).to_have_title(re.compile(r"^Your board"))  # the error page's title did not leak in
    expect_no_reload(page)

    # The live region survived and the cards still work: the next drop saves.
    page.unroute(re.compile(MOVE_URL))
    drop(page, card_in(page, "not_started", "Ulysses"), page.locator("#cards-finished"))
    expect(card_in(page, "finished", "Ulysses")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("Moved “Ulysses” to Finished.")
    expect_counts(page, 1, 1, 1)
    page.reload()
    expect_titles(page, "not_started", ["Finnegans Wake"])
    expect_titles(page, "reading", ["Dubliners"])
    expect_titles(page, "finished", ["Ulysses"])


def test_a_drop_while_the_book_store_is_down_shows_the_apps_message(board: Page, page_problems, app, dynalite):
    """The app itself answers 503 (the DynamoDB table is gone): its message shows, the card goes back."""
    page = board
    page_problems.allow_status(503)
    add_book(page, "Walden", "Henry David Thoreau")
    mark_window(page)

    dynamodb = boto3.client("dynamodb", endpoint_url=dynalite, region_name=app.config["AWS_REGION"])
    dynamodb.delete_table(TableName=app.config["BOOKS_TABLE"])
    with page.expect_response(re.compile(MOVE_URL)) as response:
        drag_card(page, card_in(page, "not_started", "Walden"), page.locator("#cards-reading"))
    assert response.value.status == 503
    expect(page.locator("#messages [data-error-code='503']")).to_contain_text("Try again in a moment.")
    expect_titles(page, "not_started", ["Walden"])
    expect(cards(page, "reading")).to_have_count(0)
    expect_counts(page, 1, 0, 0)
    expect(page.locator("#messages")).to_have_attribute("role", "status")  # the live region itself stays
    expect_no_reload(page)


def move_card_to_reading(page: Page, title: str) -> None:
    card_in(page, "not_started", title).get_by_role("button", name=re.compile(r"^Move to Reading\b")).click()
    expect(card_in(page, "reading", title)).to_be_visible()


def any_card_named(page: Page, title: str):
    return page.get_by_role("article", name=title, exact=True)


def test_a_move_button_moves_the_card_in_the_page_and_the_answer_updates_only_what_changed(board: Page):
    """With static/app.js a "Move to" button is a drop on top of that column: the same card element
    moves at once, and the server's answer (only the card's changed part) updates it in place."""
    page = board
    add_book(page, "Kindred", "Octavia E. Butler")
    add_book(page, "Dawn", "Octavia E. Butler")
    move_card_to_reading(page, "Dawn")
    mark_window(page)
    page.evaluate("id => { document.getElementById(id).dataset.marker = 'same element'; }", card_id(page, "Kindred"))

    with page.expect_response(re.compile(MOVE_URL)) as response:
        button = card_in(page, "not_started", "Kindred").get_by_role("button", name=re.compile(r"^Move to Reading\b"))
        button.click()
    answer = response.value
    assert answer.ok and answer.headers["hx-reswap"] == "none"
    assert "<article" not in answer.text() and len(answer.body()) < 2048
    wait_for_htmx(page)
    moved = card_in(page, "reading", "Kindred")
    expect(moved).to_have_attribute("data-marker", "same element")  # moved, not replaced
    expect_titles(page, "reading", ["Kindred", "Dawn"])  # on top of the column
    expect(moved.locator(".status-badge")).to_have_text("Reading")
    expect(moved.locator("input[name=version]")).to_have_value("2")
    expect(moved.get_by_role("button", name=re.compile(r"^Move to Not started\b"))).to_be_visible()
    expect(moved).to_be_focused()
    expect_counts(page, 0, 2, 0)
    expect_no_reload(page)
    page.reload()
    expect_titles(page, "reading", ["Kindred", "Dawn"])


def test_a_move_button_whose_save_fails_puts_the_card_back(board: Page, page_problems):
    page = board
    page_problems.allow_failed_requests(MOVE_URL)
    add_book(page, "Beloved", "Toni Morrison")
    add_book(page, "Jazz", "Toni Morrison")
    page.route(re.compile(MOVE_URL), _abort)
    with page.expect_event("requestfailed"):
        card_in(page, "not_started", "Beloved").get_by_role("button", name=re.compile(r"^Move to Finished\b")).click()
    expect(page.locator("#messages")).to_have_text(
        "The move could not be saved: the server did not answer. The card is back where it was."
    )
    expect_titles(page, "not_started", ["Jazz", "Beloved"])
    expect(cards(page, "finished")).to_have_count(0)
    expect_counts(page, 2, 0, 0)


def card_id(page: Page, title: str) -> str:
    return any_card_named(page, title).get_attribute("id")
