"""Reading other trackers' export files (Goodreads, StoryGraph) into books: pure, no I/O.

`rows.py` decodes a file and splits it into rows; `goodreads.py` and `storygraph.py` read one row
each into an `ImportedBook`; `sources.py` recognises which file it is; `landing.py` decides where
each imported book lands in a reader's library (column, read-throughs, merging with a book already
there)."""
