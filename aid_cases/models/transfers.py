"""Placeholder: filled in by this change."""
