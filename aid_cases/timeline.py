"""An application's timeline, read from its audit rows (who did what, when)."""

from __future__ import annotations

from directory.models import AuditEvent
from directory.people import person_name

from .models import Application


def application_timeline(application: Application, *, with_actor: bool = True) -> list[dict]:
    """Oldest first, each entry with its label (``AuditAction``). ``with_actor=False`` for the public
    progress query: no personal data."""
    events = AuditEvent.objects.filter(
        object_type=Application._meta.label_lower, object_id=str(application.pk)
    )
    if with_actor:
        events = events.select_related("actor")
    timeline = []
    for event in events.order_by("at", "pk"):
        entry = {"at": event.at, "event": event.action, "label": str(event.get_action_display())}
        if with_actor:
            entry["by"] = person_name(event.actor)
        timeline.append(entry)
    return timeline
