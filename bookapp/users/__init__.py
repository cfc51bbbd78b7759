"""Users: accounts in SQL, password hashing, and the rules for creating and deleting them."""

from bookapp.users.models import User

__all__ = ["User"]
