"""The peer-review task page's tag: hands the file's scorecard to the ``scores`` field's widget.

A task form is built without its subject (``workflows.registry.TaskSpec.form``), so its ``scores``
widget cannot know which items to show; the task partial, which has them from the spec's page
context, gives them to it before the form is drawn below it.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def peer_review_scorecard(form: Any, items: Any) -> str:
    field = getattr(form, "fields", {}).get("scores")
    if field is not None:
        field.widget.items = tuple(items or ())
    return ""
