"""Field types for the task forms (API.md, Tasks): one Django form per task serves the task page and the API.

The forms parse: JSON values from the API, form values from the task page. What makes a value
acceptable is decided by the domain services the task handlers call, whose errors land on the
same fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # the stubs are a development tool, not a run-time dependency
    from django_stubs_ext import StrOrPromise


class ItemsField(forms.Field):
    """A list of strings: a JSON list from the API, one item per line from a form's textarea."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> list[str]:
        if value in (None, "", []):
            return []
        if isinstance(value, str):
            value = value.splitlines()
        if not isinstance(value, list | tuple):
            raise ValidationError(_("Give a list of items."), code="invalid")
        return [str(item) for item in value]


class YesNoField(forms.ChoiceField):
    """A required yes/no choice: JSON true/false from the API, radio buttons in a form."""

    def __init__(self, *, yes: StrOrPromise, no: StrOrPromise, **kwargs: Any) -> None:
        super().__init__(choices=[("true", yes), ("false", no)], widget=forms.RadioSelect, **kwargs)

    def to_python(self, value: Any) -> str:
        if value is True or value is False:
            return "true" if value else "false"
        return super().to_python(value)

    def clean(self, value: Any) -> bool:
        return super().clean(value) == "true"


def reasons_field(label: StrOrPromise, **kwargs: Any) -> forms.CharField:
    """Free text for reasons or notes: whether it is needed, and how long it may be, the service says."""
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 4}), **kwargs)
