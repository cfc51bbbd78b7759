"""One action on several accounts at once: each account goes through the same service, and so the
same rules, as when it is acted on alone; an account a rule protects is skipped and the rest go on.
Each account's service records that account's audit entry; this adds one summary entry."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from bookapp.books import BookRepository, BooksUnavailable
from bookapp.users import audit
from bookapp.users.accounts import AccountError, delete_account, set_disabled
from bookapp.users.audit import Action, Actor
from bookapp.users.models import User


class BulkAction(enum.StrEnum):
    DISABLE = "disable"
    ENABLE = "enable"
    DELETE = "delete"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def done(self) -> str:
        return {"disable": "Disabled", "enable": "Enabled", "delete": "Deleted"}[self.value]


class Outcome(enum.Enum):
    DONE = "done"
    SKIPPED = "skipped"  # a rule protects the account; nothing was changed
    UNFINISHED = "unfinished"  # a deletion stopped part-way: the account is disabled, some books remain


@dataclass(frozen=True)
class AccountResult:
    username: str
    outcome: Outcome
    reason: str = ""
    books_deleted: int = 0


UNFINISHED_DELETION = (
    "its books could not all be deleted (the books store did not answer); the account is disabled "
    "and nobody can use it. Delete it again to finish."
)


def apply_to_accounts(
    actor: Actor, accounts: Iterable[User], action: BulkAction, books: BookRepository
) -> list[AccountResult]:
    """Apply `action` to each account in turn, as `actor`, and say what happened to each."""
    results = []
    for account in accounts:
        username = account.username
        try:
            if action is BulkAction.DELETE:
                deleted = delete_account(actor, account, books)
                results.append(AccountResult(username, Outcome.DONE, books_deleted=deleted))
                continue
            set_disabled(actor, account, action is BulkAction.DISABLE)
        except AccountError as error:
            results.append(AccountResult(username, Outcome.SKIPPED, reason=str(error)))
        except BooksUnavailable:
            # The deletion's first step ran (the account is disabled); running it again resumes it.
            results.append(AccountResult(username, Outcome.UNFINISHED, reason=UNFINISHED_DELETION))
        else:
            results.append(AccountResult(username, Outcome.DONE))
    done = sum(result.outcome is not Outcome.SKIPPED for result in results)
    audit.record_bulk_action(actor, Action(action.value), done=done, skipped=len(results) - done)
    return results
