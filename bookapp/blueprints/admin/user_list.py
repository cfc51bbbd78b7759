"""The admin's user list as a page: one page of the accounts the listing asks for, with each
account's books per column and its working access tokens. Shared by the list's route and by the bulk
actions, which show the list again when their form cannot be acted on."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from urllib.parse import parse_qsl, urlencode

from flask import render_template

from bookapp.books import BooksUnavailable, Status, get_book_repository
from bookapp.users import User
from bookapp.users import repository as users
from bookapp.users.listing import AccountState, Direction, Role, UserListing, UserOrder
from bookapp.users.models import utcnow

log = logging.getLogger(__name__)

USERS_PER_PAGE = 25
# Far more pages than any list of accounts has, and far below where the page's OFFSET would overflow
# the database's integer (an error, where a page past the end is simply empty).
LAST_PAGE_NUMBER = 1_000_000
# The list's own arguments are a few short words: anything longer was not made by the list.
LIST_QUERY_MAX_LENGTH = 500


def page_number(value: str) -> int:
    """A page number from the URL. Anything else (not a whole number, below 1, or beyond any list)
    raises ValueError, which `request.args.get(..., type=)` turns into the first page."""
    page = int(value)
    if not 1 <= page <= LAST_PAGE_NUMBER:
        raise ValueError(f"no page {page}")
    return page


def list_arguments(listing: UserListing, page: int = 1) -> dict[str, str]:
    """The URL arguments of this page of this listing (a default is left out)."""
    return listing.arguments() | ({"page": str(page)} if page > 1 else {})


def list_state(list_query: str) -> tuple[UserListing, int]:
    """The listing and page a bulk form came from (its `list_query`), read as the list reads its
    URL: what is not understood is left out, so the way back is always a list."""
    arguments = dict(parse_qsl(list_query)) if len(list_query) <= LIST_QUERY_MAX_LENGTH else {}
    listing, _ = UserListing.from_arguments(arguments)
    try:
        page = page_number(arguments.get("page", "1"))
    except ValueError:
        page = 1
    return listing, page


def book_counts(accounts: Sequence[User]) -> dict[int, dict[Status, int]] | None:
    """Each account's books per column, by account id, in one batched read of their counter items;
    None when the books store does not answer (the list is shown without them)."""
    try:
        by_key = get_book_repository().counts_of_many([account.books_key for account in accounts])
    except BooksUnavailable as error:
        log.warning("user list without book counts: %s", error)
        return None
    return {account.id: by_key[account.books_key] for account in accounts}


def render_user_list(
    listing: UserListing,
    page: int,
    *,
    ignored: Collection[str] = (),
    fragment: bool = False,
    bulk_problem: str | None = None,
    ticked: Collection[int] = (),
) -> str:
    """The list page (or, for htmx, its results alone). `ignored`: URL arguments left out;
    `bulk_problem`: why the bulk form was not acted on, with the accounts it `ticked` still ticked."""
    pagination = users.list_users(page=page, per_page=USERS_PER_PAGE, listing=listing)
    if pagination.pages and page > pagination.pages:
        # Past the end (the last accounts of the last page were just deleted): show the last page.
        pagination = users.list_users(page=pagination.pages, per_page=USERS_PER_PAGE, listing=listing)
    accounts = list(pagination.items)
    context = {
        "listing": listing,
        "pagination": pagination,
        "ignored": ignored,
        "bulk_problem": bulk_problem,
        "ticked": set(ticked),
        "token_counts": users.count_live_tokens([account.id for account in accounts], utcnow()),
        "book_counts": book_counts(accounts),
        "columns": tuple(Status),
        "list_query": urlencode(list_arguments(listing, pagination.page)),
        "page_arguments": listing.arguments(),
    }
    if fragment:
        return render_template("admin/_user_results.html", **context)
    choices = {"roles": tuple(Role), "states": tuple(AccountState), "orders": tuple(UserOrder)}
    return render_template(
        "admin/users.html", **context, **choices, directions=tuple(Direction), total_accounts=users.count_users()
    )
