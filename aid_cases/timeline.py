"""An application's timeline, read from its audit rows (who did what, when)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from directory.models import AuditEvent

from .models import Application

EVENT_LABELS = {
    "application_submit": _("Application submitted"),
    "application_document_add": _("Material uploaded"),
    "review_approve": _("Legal aid granted"),
    "review_refuse": _("Legal aid refused"),
    "review_request_supplement": _("Supplement requested"),
    "review_provisional": _("Provisional legal aid granted"),
    "supplement_submit": _("Materials supplemented"),
    "supplement_expire": _("Deemed withdrawn: not supplemented in time"),
    "objection_submit": _("Objection filed"),
    "objection_uphold": _("Objection rejected: decision upheld"),
    "objection_correct": _("Objection accepted: back to review"),
    "confirm_review_confirm": _("Provisional aid confirmed"),
    "confirm_review_refuse": _("Legal aid terminated"),
}


def person_name(user) -> str:
    if user is None:
        return ""
    return f"{user.last_name}{user.first_name}".strip() or user.get_username()


def application_timeline(application: Application, *, with_actor: bool = True) -> list[dict]:
    """Oldest first. ``with_actor=False`` for the public progress query: no personal data."""
    events = (
        AuditEvent.objects.filter(object_type=Application._meta.label_lower, object_id=str(application.pk))
        .select_related("actor")
        .order_by("at", "pk")
    )
    timeline = []
    for event in events:
        entry = {"at": event.at, "event": event.action, "label": str(EVENT_LABELS.get(event.action, event.action))}
        if with_actor:
            entry["by"] = person_name(event.actor)
        timeline.append(entry)
    return timeline
