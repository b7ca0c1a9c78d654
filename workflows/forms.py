"""Field types for the task forms (docs/api.md, Tasks): one Django form per task serves the task page and the API.

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


UNENCODABLE = _("This text contains characters that cannot be stored (an unpaired surrogate).")


def _unencodable(value: Any) -> bool:
    """True for text, or a list holding text, with a lone UTF-16 surrogate (not encodable as UTF-8)."""
    values = value if isinstance(value, list | tuple) else [value]
    for item in values:
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


class TaskForm(forms.Form):
    """The base of every task form: text that no database, letter or JSON can hold is a field error.

    A JSON body may carry a lone surrogate (``"\\ud800"``); left in, it breaks the SQLite write or the
    letter's PDF (a 500). As DRF's fields do, the form refuses it (400 in the API, an error on the page).
    """

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        for name, field in self.fields.items():
            if name in self.errors:  # cleaned above: the property reads, it does not clean again
                continue
            raw = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            if _unencodable(raw):
                self.add_error(name, ValidationError(UNENCODABLE, code="unencodable"))


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
