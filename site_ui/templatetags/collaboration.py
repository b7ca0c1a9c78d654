"""The case page's collaboration letters (法律援助协作函): the letters of the case its center's staff see, and
for its reviewers and directors the link to ask another center for help while the case allows it."""

from __future__ import annotations

from typing import Any

from django import template

from aid_cases import collaboration_selectors as selectors
from aid_cases.models import Application
from aid_cases.services.collaboration import SENDABLE_STATUSES

register = template.Library()


@register.simple_tag(takes_context=True)
def collaboration_block(context: Any, application: Application) -> dict[str, Any]:
    """``{"shown", "may_send", "letters"}`` for the user of the page's request."""
    user = context["request"].user
    may_send = application.status in SENDABLE_STATUSES and selectors.user_sends_for(user, application)
    letters = (
        list(selectors.letters_list(user, application_id=application.pk)) if user.is_authenticated else []
    )
    return {"shown": may_send or bool(letters), "may_send": may_send, "letters": letters}
