"""A separate app process that tries wrong passwords, for the brute-force test (not a test itself).

python -m tests.security.sign_in_worker DATABASE_URL USERNAME ATTEMPTS
"""

import sys

from bookapp import create_app
from bookapp.config import TestingConfig
from tests.conftest import Browser


def main() -> None:
    database_url, username, attempts = sys.argv[1], sys.argv[2], int(sys.argv[3])
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url, "LOGIN_RATE_LIMIT": "1000 per minute"})
    browser = Browser(app)
    for attempt in range(attempts):
        response = browser.post("/login", {"username": username, "password": f"wrong guess number {attempt}"})
        print(response.status_code, flush=True)


if __name__ == "__main__":
    main()
