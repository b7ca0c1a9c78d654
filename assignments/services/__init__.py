"""Writes of assignment and handling: keyword-only, one transaction, an audit row each (docs/architecture.md)."""
