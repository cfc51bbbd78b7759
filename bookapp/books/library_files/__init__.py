"""A reader's library as files: the Goodreads-format CSV and the full JSON export, written a page of
books at a time, and the JSON read back into an account (docs/export-format.md)."""
