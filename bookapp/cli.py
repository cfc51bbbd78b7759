"""Operator commands: `flask --app application <command>`."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from bookapp import backup, static_files
from bookapp.books import get_book_repository
from bookapp.books.library_files.library_json import LibraryFileRefused, import_library
from bookapp.users import audit, audit_repository
from bookapp.users import repository as users
from bookapp.users.accounts import AccountError, create_account
from bookapp.users.audit import Actor


@click.command("create-admin")
@with_appcontext
@click.argument("username")
def create_admin_command(username: str) -> None:
    """Create an admin account. The password comes from ADMIN_PASSWORD, or is prompted for."""
    password = os.environ.get("ADMIN_PASSWORD") or click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_account(Actor.command_line(), username, password, is_admin=True)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created admin “{user.username}”.")


@click.command("create-first-admin")
@with_appcontext
@click.option("--username", default="admin", show_default=True)
def create_first_admin_command(username: str) -> None:
    """On a fresh install (no users at all), create an admin with a random password and print it once."""
    if users.any_user_exists():
        return
    password = secrets.token_urlsafe(15)  # 20 characters, about 120 bits
    create_account(Actor.command_line(), username, password, is_admin=True)
    click.echo("")
    click.echo("  First admin created. Sign in and keep this password; it is not shown again:")
    click.echo(f"    username: {username}")
    click.echo(f"    password: {password}")
    click.echo("")


@click.command("create-books-table")
@with_appcontext
def create_books_table_command() -> None:
    """Create the DynamoDB books table and its index if missing (BOOKS_TABLE, AWS region/endpoint)."""
    repository = get_book_repository()
    if repository.create_table():
        click.echo(f"Created table {repository.table_name}.")
    else:
        click.echo(f"Table {repository.table_name} already exists.")


@click.command("recount-books")
@click.argument("username", required=False)
@with_appcontext
def recount_books_command(username: str | None) -> None:
    """Recount the column counters of one reader (or of every reader) from the books themselves, and
    make every app process show their board afresh.

    Counters heal on their own when a column is read to its end; this repairs them all at once. Run
    it after changing books outside the app (a script, the AWS console, a restore into the table)."""
    accounts = [users.find_by_username(username)] if username else users.all_users()
    if accounts == [None]:
        raise click.ClickException(f"No user “{username}”.")
    repository = get_book_repository()
    for user in accounts:
        counts = repository.recount(user.books_key)
        users.record_board_refreshed(user.id)
        summary = ", ".join(f"{status.label}: {number}" for status, number in counts.items())
        click.echo(f"{user.username}: {summary}")


@click.command("purge-orphans")
@click.option("--dry-run", is_flag=True, help="Only say what would be deleted.")
@with_appcontext
def purge_orphans_command(dry_run: bool) -> None:
    """Delete books whose user no longer exists (left by an interrupted account deletion).

    Reads the whole books table (a Scan): run it when the site is quiet."""
    repository = get_book_repository()
    known = {user.books_key for user in users.all_users()}
    orphans = sorted(repository.user_ids_with_books() - known)
    if not orphans:
        click.echo("No orphaned books.")
        return
    for user_id in orphans:
        if dry_run:
            click.echo(f"Would delete the books of missing user {user_id}.")
        else:
            deleted = repository.delete_all_for_user(user_id)
            click.echo(f"Deleted {deleted} books of missing user {user_id}.")


@click.command("export-data")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def export_data_command(file: str) -> None:
    """Write every user (with password hashes) and every book to FILE (JSON). Keep it safe."""
    data = backup.export_data(get_book_repository())
    with open(file, "w", encoding="utf-8") as output:
        json.dump(data, output, ensure_ascii=False, indent=1)
    os.chmod(file, 0o600)  # it holds password hashes
    count = sum(len(user["books"]) for user in data["users"])
    click.echo(f"Exported {len(data['users'])} users and {count} books to {file}.")


@click.command("import-data")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_data_command(file: str) -> None:
    """Restore FILE (from export-data) into this deployment, which must have no users yet."""
    with open(file, encoding="utf-8") as source:
        data = json.load(source)
    try:
        restored_users, restored_books = backup.import_data(data, get_book_repository())
    except backup.RestoreRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(f"Restored {restored_users} users and {restored_books} books from {file}.")


@click.command("import-library")
@click.argument("username")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_library_command(username: str, file: str) -> None:
    """Import FILE, a reader's library export (JSON, from /export), into USERNAME's books. Books the
    account has already are left as they are, so running it twice adds nothing the second time."""
    user = users.find_by_username(username)
    if user is None:
        raise click.ClickException(f"No user “{username}”.")
    try:
        result = import_library(Path(file).read_bytes(), user.books_key, get_book_repository(), today=dt.date.today())
    except LibraryFileRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    click.echo(f"{user.username}: imported {result.added} books; {result.already_there} were there already.")


@click.command("export-audit")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-", help="A file (default: stdout).")
@with_appcontext
def export_audit_command(output) -> None:
    """Write the whole audit log as JSON lines, oldest first: one entry per line."""
    for entry in audit_repository.oldest_first():
        output.write(json.dumps(audit.as_json_line(entry), ensure_ascii=False) + "\n")


@click.command("prune-audit")
@click.option("--days", type=click.IntRange(min=1), help="Keep this many days (default: AUDIT_RETENTION_DAYS).")
@with_appcontext
def prune_audit_command(days: int | None) -> None:
    """Delete audit entries older than the retention (AUDIT_RETENTION_DAYS, 365 unless set)."""
    days = days or current_app.config["AUDIT_RETENTION_DAYS"]
    deleted = audit.prune(older_than_days=days)
    click.echo(f"Deleted {deleted} audit entr{'y' if deleted == 1 else 'ies'} older than {days} days.")


@click.command("build-static")
@with_appcontext
def build_static_command() -> None:
    """Write the content-hashed, gzipped copies of the static files (bookapp/static/dist/) that are missing.

    The app does this when it starts too, but carries on with unhashed URLs if it cannot write; this
    command fails instead. Elastic Beanstalk runs it on each instance, for nginx to serve the copies."""
    folder = Path(current_app.static_folder)
    try:
        result = static_files.build(folder)
    except OSError as error:
        raise click.ClickException(f"Cannot write {folder / static_files.OUTPUT_FOLDER}: {error}") from None
    click.echo(
        f"{len(result.paths)} static files hashed and gzipped in {folder / static_files.OUTPUT_FOLDER} "
        f"({len(result.written)} files written now)."
    )


def init_app(app: Flask) -> None:
    for command in (
        create_admin_command,
        create_first_admin_command,
        create_books_table_command,
        recount_books_command,
        purge_orphans_command,
        export_data_command,
        import_data_command,
        import_library_command,
        build_static_command,
        export_audit_command,
        prune_audit_command,
    ):
        app.cli.add_command(command)
