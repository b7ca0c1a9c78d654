"""Filled by later issues (DESIGN §8)."""
