"""The benchmark's import rows: a generated 10,000-row Goodreads export imported end to end through
the web routes (upload, start, one htmx poll per chunk), with another reader's board measured
while it runs. Used by bench/run.py."""

from __future__ import annotations

import random
import statistics
import threading
import time
import uuid

IMPORT_ROWS = 10_000
IMPORTER = "importer"
HEADER = (
    "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,Binding,"
    "Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,"
    "Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Recommended For,"
    "Recommended By,Owned Copies,Original Purchase Date,Original Purchase Location,Condition,"
    "Condition Description,BCID"
)


def _isbn13(number: int) -> str:
    first_twelve = f"978{number:09d}"
    check = -sum(int(digit) * (3 if position % 2 else 1) for position, digit in enumerate(first_twelve)) % 10
    return first_twelve + str(check)


def goodreads_export(rows: int = IMPORT_ROWS) -> bytes:
    """A Goodreads library export as a heavy reader's: every row with an ISBN, dates, shelves, and a
    review of a few hundred characters on one row in three."""
    generator = random.Random(16)
    shelves = ["read", "read", "to-read", "currently-reading"]
    review = '"' + ('A review with ""quotes"", commas, and a second line.\nIt goes on for a while. ' * 3).rstrip() + '"'
    lines = [HEADER]
    for i in range(rows):
        shelf = shelves[i % 4]
        read = shelf == "read"
        lines.append(
            ",".join(
                [
                    str(2_000_000 + i),
                    f'"Generated Title {i}, Part {i % 9} (Series {i % 50}, #{i % 7 + 1})"',
                    f"Author {i % 700}",
                    f'"{i % 700}, Author"',
                    "",
                    '=""',
                    f'="{_isbn13(i)}"',
                    str(generator.randint(0, 5)),
                    "3.90",
                    "Publisher",
                    "Paperback",
                    str(generator.randint(90, 900)),
                    "2001",
                    "1999",
                    f"20{10 + i % 15}/{1 + i % 12:02d}/{1 + i % 28:02d}" if read else "",
                    f"20{10 + i % 15}/{1 + i % 12:02d}/{1 + i % 28:02d}",
                    '"fiction, book-club"' if i % 2 else "favorites",
                    "",
                    shelf,
                    review if i % 3 == 0 else "",
                    "",
                    "",
                    str(1 + i % 3 if read else 0),
                    "",
                    "",
                    "0",
                    "",
                    "",
                    "",
                    "",
                    "",
                ]
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode()


def multipart(field: str, filename: str, data: bytes, fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def measure_import(session, board_session, verdict, worker_peak_rss_mb, master_pid) -> list[tuple[str, str, str, str]]:
    """Import the generated export as `session`'s reader while `board_session`'s reader views their
    board over and over; the rows for the benchmark's table."""
    data = goodreads_export()
    body, content_type = multipart("export_file", "goodreads_library_export.csv", data, {"csrf_token": session.csrf})
    board_times: list[float] = []
    importing = threading.Event()
    importing.set()

    def view_boards() -> None:
        # Another reader looking at their board five times a second, as a browser asks for it.
        while importing.is_set():
            board_times.append(board_session.request("GET", "/").ms)
            time.sleep(0.2)

    viewer = threading.Thread(target=view_boards)
    started = time.perf_counter()
    viewer.start()
    uploaded = session.request("POST", "/import", raw_body=(body, content_type))
    assert uploaded.status == 303, f"upload: {uploaded.status} {uploaded.body[:2000]}"
    job_url = uploaded.headers["Location"].split("//", 1)[-1]
    job_url = job_url[job_url.index("/") :] if not job_url.startswith("/") else job_url
    steps = {"upload": uploaded.ms}
    preview = session.request("GET", job_url)
    steps["preview"] = preview.ms
    assert preview.status == 200, f"preview: {preview.status}"
    start = session.request(
        "POST", f"{job_url}/start", {"csrf_token": session.csrf, "existing": "update", "action": "start"}
    )
    assert start.status == 303, f"start: {start.status} {start.body[:3000]}"
    steps["start"] = start.ms
    writes = polls = 0
    while True:
        result = session.htmx(f"{job_url}/next", {})
        polls += 1
        operations = result.headers.get("X-DynamoDB-Operations", "").split(",")
        writes += sum(operation in ("BatchWriteItem", "PutItem", "UpdateItem") for operation in operations)
        if "import-done" in result.body:
            break
    elapsed = time.perf_counter() - started
    importing.clear()
    viewer.join()
    done = result.body
    rss = worker_peak_rss_mb(master_pid)
    added = int(done.split(" books added")[0].rsplit(">", 1)[-1].split()[-1].replace(",", ""))
    return [
        (
            f"import of {IMPORT_ROWS:,} Goodreads rows ({len(data) / 1e6:.1f} MB), end to end",
            f"{elapsed:.1f} s (upload {steps['upload'] / 1000:.1f} s, preview {steps['preview'] / 1000:.1f} s, "
            f"start {steps['start'] / 1000:.1f} s; {polls} polls)",
            "≤ 60 s",
            verdict(elapsed <= 60 and added == IMPORT_ROWS),
        ),
        (
            "  DynamoDB write requests per imported book",
            f"{writes / max(added, 1):.3f} ({writes} for {added:,} books: 1 item each, in batches of 25)",
            "",
            "",
        ),
        (
            "  board p50 / p95 of another reader during the import",
            f"{statistics.median(board_times):.1f} / {sorted(board_times)[int(len(board_times) * 0.95)]:.1f} ms "
            f"({len(board_times)} views, one each 0.2 s)",
            "",
            "",
        ),
        ("  peak RSS of a gunicorn worker, with the import", f"{rss:.0f} MB", "≤ 150 MB", verdict(rss <= 150)),
    ]


def main() -> int:
    """The import rows alone: `.venv/bin/python bench/imports.py` (a reader with 1,000 books views
    their board meanwhile)."""
    import sys
    import tempfile
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.run import PASSWORD, Session, seed, verdict, worker_peak_rss_mb
    from bookapp.users.accounts import create_account
    from bookapp.users.audit import Actor
    from loadtest.stack import Stack

    work = Path(tempfile.mkdtemp(prefix="bookapp-bench-import-"))
    with Stack("mysql+pymysql://root@127.0.0.1:3306/?charset=utf8mb4", "bench", {"BENCHMARK_MODE": "1"}) as stack:
        app = stack.prepared_app()
        seed(app, [1_000])
        with app.app_context():
            create_account(Actor.command_line(), IMPORTER, PASSWORD, is_admin=False)
        stack.start_app(work / "gunicorn.log")
        rows = measure_import(
            Session(stack.app_port, IMPORTER),
            Session(stack.app_port, "reader1000"),
            verdict,
            worker_peak_rss_mb,
            stack.gunicorn.pid,
        )
    for row in rows:
        print("  ".join(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
