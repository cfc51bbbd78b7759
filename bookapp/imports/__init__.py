"""Imports of other trackers' export files: the jobs that hold an uploaded file's rows and the
reader's choices in SQL (models.py, repository.py), and the service that previews and runs them in
chunks (jobs.py). Reading the files is `bookapp.books.imports`; writing books, the book repository."""
