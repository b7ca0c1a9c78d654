"""Database backends of the project (``config/settings.py`` picks them)."""
