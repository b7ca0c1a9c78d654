"""What viewflow itself lets a user see of our processes (docs/architecture.md, viewflow).

viewflow shows every process to anyone with the global view permission; here a process is visible
only when its case is, by our selectors. Lists of processes (``obj is None``) and managing (cancel,
undo, reassign) are for administrators only, whatever permissions a group holds.
"""

from __future__ import annotations

from typing import Any

from aid_cases.selectors import applications_visible_to


class CaseVisibilityMixin:
    def has_view_permission(self, user: Any, obj: Any = None) -> bool:
        if not user.is_authenticated:
            return False
        if obj is None:
            return user.is_superuser
        application_id = getattr(obj.coerced, "application_id", None)
        return application_id is not None and applications_visible_to(user).filter(pk=application_id).exists()

    def has_manage_permission(self, user: Any, obj: Any = None) -> bool:
        return user.is_authenticated and user.is_superuser
