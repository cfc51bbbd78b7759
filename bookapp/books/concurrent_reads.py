"""Reads that do not depend on each other, sent to DynamoDB together: a request then waits for about
one round trip instead of one per read (a board's counts and its three columns).

One bounded pool per process. Each read runs in the caller's context (contextvars are copied), so
what follows a request (the benchmark's metering) follows its reads too; the reads themselves need
no Flask globals. A read that fails fails the whole: the caller gets its exception, never a part."""

from __future__ import annotations

import contextvars
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from bookapp.books.model import BooksUnavailable

# Each worker process has 4 request threads (gunicorn.conf.py); a board sends 4 reads at once, so
# 8 threads serve two boards at a time in full and queue the rest for a few milliseconds.
POOL_THREADS = 8
# Every read is bounded by boto3's own timeouts and retries (table.BOTO_CONFIG: about 2 × 3 s);
# this is a backstop well above that, so a read queued behind others is never cut short.
READS_DEADLINE_SECONDS = 20

_pool: ThreadPoolExecutor | None = None
_pool_pid: int | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """The process's pool, made on first use: a pool made before gunicorn forks would have no
    threads in the worker."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(max_workers=POOL_THREADS, thread_name_prefix="books-read")
            _pool_pid = os.getpid()
        return _pool


def start_read(read: Callable[[], Any]) -> Future:
    """Send `read` (a call to the repository) now; `results` waits for it."""
    context = contextvars.copy_context()
    return _executor().submit(context.run, read)


def results(futures: list[Future]) -> list[Any]:
    """The results of reads started with `start_read`, in order, once all have answered. The first
    failure is raised as it is (BooksUnavailable for an outage); reads that outlive the deadline
    are an outage too."""
    answers = []
    for future in futures:
        try:
            answers.append(future.result(timeout=READS_DEADLINE_SECONDS))
        except FutureTimeout:
            raise BooksUnavailable("concurrent reads") from None
    return answers
