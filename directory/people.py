"""How people are named on pages, letters and timelines."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser


def person_name(user: AbstractBaseUser | None) -> str:
    """A person's name in Chinese order (family name first, no space), else the username; "" for nobody."""
    if user is None:
        return ""
    name = f"{getattr(user, 'last_name', '')}{getattr(user, 'first_name', '')}".strip()
    return name or user.get_username()
