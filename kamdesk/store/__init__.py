"""The account book on disk: opening, migrations, backups, search, the change log, reads.

Import submodules directly; this package imports nothing heavy so that the window can
read the book before SQLAlchemy is loaded.
"""
