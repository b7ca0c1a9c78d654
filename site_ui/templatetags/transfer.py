"""``{% transfer_offer application as transfer_offer %}``: what ``aid_cases/_transfer.html`` shows the
user on a case or review task page (site_ui.transfer_views.transfer_offer), so the pages that include
the partial need no change of their views."""

from __future__ import annotations

from typing import Any

from django import template

from site_ui.transfer_views import transfer_offer as offer_for

register = template.Library()


@register.simple_tag(takes_context=True)
def transfer_offer(context: template.Context, application: Any) -> dict[str, Any] | None:
    request = context.get("request")
    if request is None:
        return None
    return offer_for(request.user, application)
