"""All SQL for users: views and commands never build queries themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import String, bindparam, case, cast, delete, func, select, text, update
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from bookapp.books.goals import Goal
from bookapp.extensions import db
from bookapp.users.listing import AccountState, Direction, Role, UserListing, UserOrder
from bookapp.users.models import ApiToken, Invitation, ReadingGoal, SignInBrake, User, utcnow
from bookapp.users.recent_book_changes import RECENT_CHANGES_LENGTH, entry_ids


class UsernameTaken(ValueError):
    pass


def ping() -> None:
    """Raise unless the users database answers (health check)."""
    try:
        db.session.execute(text("SELECT 1"))
    finally:
        db.session.rollback()


# The id column is a 32-bit INTEGER in MySQL; a larger number from a URL is no account, and SQLite or
# the driver would refuse it with an error rather than find nothing.
LARGEST_USER_ID = 2**31 - 1


def get_user(user_id: int) -> User | None:
    if not 0 < user_id <= LARGEST_USER_ID:
        return None
    return db.session.get(User, user_id)


def find_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def find_by_session_token(session_token: str) -> User | None:
    return db.session.scalar(select(User).where(User.session_token == session_token))


def record_books_changed(user_id: int, book_ids: Collection[str] | None) -> None:
    """Note that this reader's books changed (`book_ids` of them; None: any): every cached board page
    of theirs is now stale, and a kept copy of their library may read just those books again.

    One UPDATE, on a connection and transaction of its own, committed at once: the request's session
    is left as it is, so the signed-in user it holds is not expired and loaded again after every
    write. The entry is computed from the row as it is locked, so concurrent writes each note their
    own revision. It is set before the revision: MySQL evaluates SET from left to right with the
    values already assigned, SQLite and the standard with the old ones; in this order both agree."""
    entry = " " + cast(User.books_revision + 1, String) + ":" + entry_ids(book_ids)
    appended = func.coalesce(User.recent_book_changes, "") + entry
    kept = case(
        (
            func.length(appended) > RECENT_CHANGES_LENGTH,
            func.substr(appended, func.length(appended) - RECENT_CHANGES_LENGTH + 1, RECENT_CHANGES_LENGTH),
        ),
        else_=appended,
    )
    with db.engine.begin() as connection:
        connection.execute(
            update(User)
            .where(User.id == user_id)
            .ordered_values(
                (User.recent_book_changes, kept),
                (User.books_revision, User.books_revision + 1),
                (User.books_changed_at, utcnow()),
            )
        )


def record_board_refreshed(user_id: int) -> None:
    """Forget every kept page and card of this reader's board, in every process."""
    db.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(board_generation=User.board_generation + 1, books_revision=User.books_revision + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def any_user_exists() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None


def count_admins(active_only: bool = False) -> int:
    query = select(func.count()).select_from(User).where(User.is_admin)
    if active_only:
        query = query.where(User.is_disabled.is_(False))
    return db.session.scalar(query) or 0


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.username)))


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def list_users(page: int, per_page: int, listing: UserListing | None = None):
    """One page of the accounts `listing` asks for (all, by username, without one), in its order
    (a Flask-SQLAlchemy Pagination)."""
    listing = listing or UserListing()
    query = select(User)
    if listing.search:
        # Usernames are stored in lower case; `autoescape` makes % and _ in the search plain characters.
        query = query.where(User.username.contains(listing.search, autoescape=True))
    if listing.role is not None:
        query = query.where(User.is_admin.is_(listing.role is Role.ADMIN))
    if listing.state is not None:
        query = query.where(User.is_disabled.is_(listing.state is AccountState.DISABLED))
    if listing.never_signed_in:
        query = query.where(User.last_sign_in_at.is_(None))
    return db.paginate(query.order_by(*_user_order(listing)), page=page, per_page=per_page, error_out=False)


def _user_order(listing: UserListing) -> list:
    def directed(column):
        return column.desc() if listing.direction is Direction.DESCENDING else column.asc()

    if listing.order is UserOrder.CREATED:
        return [directed(User.created_at), directed(User.id)]
    if listing.order is UserOrder.LAST_SIGN_IN:
        # Accounts never signed in come last either way (SQLite and MySQL put NULL first when ascending).
        return [User.last_sign_in_at.is_(None), directed(User.last_sign_in_at), User.username]
    return [directed(User.username)]


def get_users(user_ids: list[int]) -> list[User]:
    """The accounts among these ids, by username (ids of no account are left out)."""
    wanted = sorted({user_id for user_id in user_ids if 0 < user_id <= LARGEST_USER_ID})
    if not wanted:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(wanted)).order_by(User.username)))


def add_user(username: str, password: str, is_admin: bool) -> User:
    user = User(username=username, is_admin=is_admin)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        # Two admins creating the same name at once: the unique index decides.
        db.session.rollback()
        raise UsernameTaken(username) from None
    return user


def record_sign_in(user: User, new_password_hash: str | None = None) -> None:
    """A successful sign-in, and a re-made hash to store if there is one."""
    user.last_sign_in_at = utcnow()
    if new_password_hash:
        user.password_hash = new_password_hash
    db.session.commit()


def brakes_locked_until(keys: list[str], now: dt.datetime) -> dt.datetime | None:
    """The latest time until which one of these brake keys refuses sign-in, if one still does."""
    latest = db.session.scalar(
        select(func.max(SignInBrake.locked_until)).where(SignInBrake.key.in_(keys), SignInBrake.locked_until > now)
    )
    db.session.rollback()  # end the read: the next statement must see other processes' counts
    return latest


def count_brake_failure(
    key: str, *, lock_after: int, counting_for: dt.timedelta, lock_for: dt.timedelta, now: dt.datetime
) -> bool:
    """Count one failed sign-in under `key`; True if this failure locked it. A count older than
    `counting_for` starts again at this failure; the `lock_after`-th failure locks the key for
    `lock_for` and starts the count again.
    Each step is one statement computed by the database, in one transaction: failures counted by
    several processes at once are all counted. (No SET expression reads a column the same statement
    writes before it: MySQL evaluates SET from left to right with the new values.) The first failure
    inserts the key and later ones count on it in the same statement, so two processes counting a new
    key at once neither collide nor deadlock."""
    stale = SignInBrake.counting_since < now - counting_for
    db.session.execute(
        _insert_or_update(
            SignInBrake,
            {"key": key, "failures": 1, "counting_since": now},
            key_column="key",
            on_existing={
                "failures": case((stale, 1), else_=SignInBrake.failures + 1),
                "counting_since": case((stale, now), else_=SignInBrake.counting_since),
            },
        )
    )
    locked = db.session.execute(
        update(SignInBrake)
        .where(SignInBrake.key == key, SignInBrake.failures >= lock_after)
        .values(locked_until=now + lock_for, failures=0, counting_since=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return locked.rowcount > 0


def _insert_or_update(model, row: dict, *, key_column: str, on_existing: dict):
    """INSERT `row`, or where its key exists apply `on_existing` to that row, in one statement
    (MySQL/MariaDB's ON DUPLICATE KEY UPDATE, SQLite's ON CONFLICT DO UPDATE)."""
    if db.session.get_bind().dialect.name == "mysql":
        return mysql_insert(model).values(**row).on_duplicate_key_update(**on_existing)
    return sqlite_insert(model).values(**row).on_conflict_do_update(index_elements=[key_column], set_=on_existing)


def release_brakes(keys: list[str]) -> None:
    """Forget the failures counted under these keys (a successful sign-in through them)."""
    db.session.execute(delete(SignInBrake).where(SignInBrake.key.in_(keys)))
    db.session.commit()


def drop_spent_brakes(now: dt.datetime, counted_for_at_most: dt.timedelta) -> None:
    """Delete the keys that count nothing any more, so guessing at many usernames leaves no lasting
    rows: the count is older than any brake's window and no lock is running."""
    db.session.execute(
        delete(SignInBrake).where(
            SignInBrake.counting_since < now - counted_for_at_most,
            (SignInBrake.locked_until.is_(None)) | (SignInBrake.locked_until < now),
        )
    )
    db.session.commit()


def save(user: User) -> None:
    """Store changes made to a user (password, disabled flag, session token)."""
    db.session.commit()


def remove_user(user: User) -> None:
    # SQLite enforces no foreign keys unless asked: the goals go by name, not only by ON DELETE CASCADE.
    db.session.execute(delete(ReadingGoal).where(ReadingGoal.user_id == user.id))
    db.session.delete(user)
    db.session.commit()


def reload(user: User) -> None:
    """Read the user's row again, in a transaction of its own (MySQL's repeatable read would show the
    old row within the request's): after a write to their books in this request, the books revision
    that write counted up (`record_books_changed` commits on a connection of its own)."""
    db.session.rollback()  # nothing is pending here: every change to a user commits at once
    db.session.refresh(user)


# -- personal access tokens (users/access_tokens.py has the rules) ------------------------------------


def add_made_by_form(row: ApiToken | Invitation) -> bool:
    """Store a new token or invitation; False when its form made one already (the row's unique
    form id decides: a form sent twice at once makes one)."""
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def token_made_by_form(user_id: int, form_id: str) -> ApiToken | None:
    return db.session.scalar(select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.form_id == form_id))


# Built once: an API request's whole sign-in is this statement, and building a select with a join
# costs more than running it (measured: with it built per call the check took 1.4× the session's
# user lookup, built once 0.9×; docs/performance.md#the-api).
_TOKEN_WITH_ACCOUNT = (
    select(ApiToken, User).join(User, ApiToken.user_id == User.id).where(ApiToken.token_hash == bindparam("token_hash"))
)


def find_token(token_hash: str) -> tuple[ApiToken, User] | None:
    """The token with this hash and its account, in one statement."""
    row = db.session.execute(_TOKEN_WITH_ACCOUNT, {"token_hash": token_hash}).first()
    return (row[0], row[1]) if row else None


def record_token_used(token_id: int, now: dt.datetime, not_since: dt.datetime) -> None:
    """Note when a token was last used, unless it was noted after `not_since` already: at most one
    write per token and interval, however many requests it makes."""
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id, (ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at < not_since))
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def tokens_of(user_id: int) -> list[ApiToken]:
    """A reader's tokens that are not revoked, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.id.desc())
        )
    )


def get_token(user_id: int, token_id: int) -> ApiToken | None:
    """One of this reader's tokens that is not revoked (another reader's is not found)."""
    if not 0 < token_id <= LARGEST_USER_ID:
        return None
    return db.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    )


def revoke_tokens(user_id: int, now: dt.datetime, token_id: int | None = None) -> int:
    """Revoke one of a reader's tokens (or all of them); returns how many were revoked."""
    statement = update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    if token_id is not None:
        statement = statement.where(ApiToken.id == token_id)
    result = db.session.execute(statement.values(revoked_at=now).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount


def count_live_tokens(user_ids: list[int], now: dt.datetime) -> dict[int, int]:
    """How many tokens that still work (not revoked, not expired) each of these accounts has."""
    rows = db.session.execute(
        select(ApiToken.user_id, func.count())
        .where(
            ApiToken.user_id.in_(user_ids),
            ApiToken.revoked_at.is_(None),
            (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now),
        )
        .group_by(ApiToken.user_id)
    )
    return {user_id: count for user_id, count in rows}


def reading_goals(user_id: int) -> dict[int, Goal]:
    """Every goal the reader has set, by year."""
    rows = db.session.scalars(select(ReadingGoal).where(ReadingGoal.user_id == user_id))
    goals = {row.year: Goal(row.year, row.books, row.pages) for row in rows}
    db.session.rollback()  # end the read: a goal set meanwhile by another request shows at the next view
    return goals


def set_reading_goal(user_id: int, goal: Goal) -> None:
    """Set the reader's goal for `goal.year`, replacing the one they had."""
    values = {"books": goal.books, "pages": goal.pages}
    changed = db.session.execute(
        update(ReadingGoal)
        .where(ReadingGoal.user_id == user_id, ReadingGoal.year == goal.year)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount == 0:
        db.session.add(ReadingGoal(user_id=user_id, year=goal.year, **values))
    try:
        db.session.commit()
    except IntegrityError:
        # Set from two tabs at once: the other insert won; this one is the later word.
        db.session.rollback()
        db.session.execute(
            update(ReadingGoal)
            .where(ReadingGoal.user_id == user_id, ReadingGoal.year == goal.year)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()


def clear_reading_goal(user_id: int, year: int) -> None:
    db.session.execute(delete(ReadingGoal).where(ReadingGoal.user_id == user_id, ReadingGoal.year == year))
    db.session.commit()
