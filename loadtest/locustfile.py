"""Simulated readers for the load test (run by loadtest/run.py, which prepares the accounts).

Each simulated reader signs in once, then adds books, moves its own books between columns (the
htmx requests the board sends) and looks at its board. Every write the app acknowledged (HTTP 200)
is recorded, so run.py can check afterwards that DynamoDB holds each one, in the right column.
"""

import json
import os
import random
import re
import threading

from locust import HttpUser, between, events, task

PASSWORD = os.environ["LOAD_PASSWORD"]
ACKNOWLEDGED_FILE = os.environ["LOAD_ACKNOWLEDGED_FILE"]
STATUSES = ("not_started", "reading", "finished")
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
BOOK = re.compile(r'id="book-([0-9A-Z]{26})-state"[^>]*>\s*<input type="hidden" name="version" value="(\d+)"')

_accounts = iter(os.environ["LOAD_USERNAMES"].split(","))
_lock = threading.Lock()
acknowledged: dict[tuple[str, str], dict] = {}  # (username, book id) -> last acknowledged state


class Reader(HttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self):
        with _lock:
            self.username = next(_accounts)
        page = self.client.get("/login", name="/login (page)").text
        response = self.client.post(
            "/login",
            {"username": self.username, "password": PASSWORD, "csrf_token": CSRF.search(page).group(1)},
            name="/login",
        )
        self.csrf = CSRF.search(response.text).group(1)
        self.books: dict[str, dict] = {}  # book id -> {"status", "version"}

    def _htmx(self, path, data, name):
        headers = {"HX-Request": "true", "X-CSRFToken": self.csrf}
        return self.client.post(path, data, headers=headers, name=name)

    def _acknowledge(self, book_id, status, version):
        self.books[book_id] = {"status": status, "version": version}
        with _lock:
            acknowledged[(self.username, book_id)] = {"status": status, "version": version}

    @task(3)
    def add_book(self):
        status = random.choice(STATUSES)
        title = f"Load test {random.randrange(10**9)}"
        response = self._htmx("/books", {"title": title, "author": "Locust", "status": status}, "/books")
        if response.status_code == 200:
            match = BOOK.search(response.text.split("hx-swap-oob", 1)[1])
            self._acknowledge(match.group(1), status, int(match.group(2)))

    @task(4)
    def move_book(self):
        if not self.books:
            return
        book_id = random.choice(list(self.books))
        book = self.books[book_id]
        target = random.choice([status for status in STATUSES if status != book["status"]])
        # As the card's form sends it: the column the reader saw it in makes the move one write.
        form = {"status": target, "version": book["version"], "from_status": book["status"]}
        response = self._htmx(f"/books/{book_id}/move", form, "/books/[id]/move")
        if response.status_code == 200:
            self._acknowledge(book_id, target, book["version"] + 1)

    @task(2)
    def view_board(self):
        self.client.get("/", name="/")


@events.test_stop.add_listener
def save_acknowledged(**_):
    with open(ACKNOWLEDGED_FILE, "w") as output:
        json.dump([{"username": u, "book_id": b, **state} for (u, b), state in acknowledged.items()], output)
