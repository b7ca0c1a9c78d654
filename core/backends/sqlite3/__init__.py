"""Django's SQLite backend with a writers' queue (see ``base.py``)."""
