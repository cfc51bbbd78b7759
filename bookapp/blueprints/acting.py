"""Who acts in this request, as the account services and their audit log want it."""

from __future__ import annotations

from flask_login import current_user

from bookapp.client_address import request_client
from bookapp.users.audit import Actor


def current_actor() -> Actor:
    """The signed-in user, from this request's client."""
    return Actor.of(current_user, request_client())
