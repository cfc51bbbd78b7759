"""Ids that a form carries from when it was shown (a ULID), so that the form sent again (a reload, a
double click) finds what it made instead of making a second one: an access token, an invitation."""

from __future__ import annotations

from ulid import ULID


def new_form_id() -> str:
    return str(ULID())


def form_id_from(value: str | None) -> str | None:
    """The form's id when it is one a form of ours made (a ULID), else none: such a request is
    still served, only without the protection against a second one."""
    return value if value and len(value) == 26 and value.isalnum() else None
