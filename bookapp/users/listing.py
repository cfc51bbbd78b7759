"""Which accounts the admin's user list shows, and in which order, as read from the list's URL.

Every choice has a default, and a value the list does not know is left out (and named, so the page
can say so) rather than refused: a bookmarked or hand-edited address still shows a list."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass


class Role(enum.StrEnum):
    ADMIN = "admin"
    READER = "reader"


class AccountState(enum.StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


class UserOrder(enum.StrEnum):
    USERNAME = "username"
    CREATED = "created"
    LAST_SIGN_IN = "last_sign_in"

    @property
    def label(self) -> str:
        return {"username": "Username", "created": "Created", "last_sign_in": "Last sign-in"}[self.value]


class Direction(enum.StrEnum):
    ASCENDING = "asc"
    DESCENDING = "desc"

    @property
    def label(self) -> str:
        return "Ascending" if self is Direction.ASCENDING else "Descending"


# The URL arguments of a listing, in the order the list's form asks for them.
ARGUMENT_NAMES = ("q", "role", "state", "never", "sort", "direction")
# Usernames are at most 64 characters: a longer search cannot match one.
SEARCH_MAX_LENGTH = 64
# What a checkbox sends when ticked (ours sends "1"; the others are what people type).
TICKED = frozenset({"1", "y", "yes", "on", "true"})


@dataclass(frozen=True)
class UserListing:
    """The list's search, filters and order; the defaults are the whole list by username."""

    search: str = ""
    role: Role | None = None
    state: AccountState | None = None
    never_signed_in: bool = False
    order: UserOrder = UserOrder.USERNAME
    direction: Direction = Direction.ASCENDING

    @classmethod
    def from_arguments(cls, arguments: Mapping[str, str]) -> tuple[UserListing, tuple[str, ...]]:
        """The listing these URL arguments ask for (`q`, `role`, `state`, `never`, `sort`,
        `direction`), and the names of those whose value it does not know and left out."""
        ignored: list[str] = []

        def choice(name: str, kind: type[enum.StrEnum]):
            value = arguments.get(name, "").strip().lower()
            if not value:
                return None
            try:
                return kind(value)
            except ValueError:
                ignored.append(name)
                return None

        search = " ".join(arguments.get("q", "").split()).lower()
        if len(search) > SEARCH_MAX_LENGTH:
            ignored.append("q")
            search = ""
        never = arguments.get("never", "").strip().lower()
        if never and never not in TICKED:
            ignored.append("never")
        listing = cls(
            search=search,
            role=choice("role", Role),
            state=choice("state", AccountState),
            never_signed_in=never in TICKED,
            order=choice("sort", UserOrder) or UserOrder.USERNAME,
            direction=choice("direction", Direction) or Direction.ASCENDING,
        )
        return listing, tuple(name for name in ARGUMENT_NAMES if name in ignored)

    def arguments(self) -> dict[str, str]:
        """The URL arguments that ask for this listing (none for a default), for links and forms."""
        arguments = {
            "q": self.search,
            "role": self.role.value if self.role else "",
            "state": self.state.value if self.state else "",
            "never": "1" if self.never_signed_in else "",
            "sort": self.order.value if self.order is not UserOrder.USERNAME else "",
            "direction": self.direction.value if self.direction is not Direction.ASCENDING else "",
        }
        return {name: value for name, value in arguments.items() if value}

    @property
    def is_filtered(self) -> bool:
        """Whether some accounts may be left out (the order leaves none out)."""
        return bool(self.search or self.role or self.state or self.never_signed_in)

    def unfiltered(self) -> UserListing:
        """Every account, in this listing's order."""
        return UserListing(order=self.order, direction=self.direction)
