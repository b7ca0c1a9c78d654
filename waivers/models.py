"""Filled by later issues (docs/architecture.md)."""
