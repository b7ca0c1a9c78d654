"""The fields of each task (API.md, Tasks): one Django form serves the task views and the API."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aid_cases.choices import ObjectionOutcome

REASON_MAX = 2000


class ItemsField(forms.Field):
    """A list of strings: a JSON list from the API, one item per line from a form's textarea."""

    widget = forms.Textarea

    def to_python(self, value):
        if value in (None, "", []):
            return []
        if isinstance(value, str):
            value = value.splitlines()
        if not isinstance(value, list | tuple):
            raise ValidationError(_("Give a list of items."), code="invalid")
        items = [str(item).strip() for item in value if str(item).strip()]
        if len(items) > 30 or any(len(item) > 200 for item in items):
            raise ValidationError(_("At most 30 items of at most 200 characters each."), code="too_long")
        return items


class ReviewForm(forms.Form):
    OUTCOMES = [
        ("approve", _("Grant legal aid")),
        ("refuse", _("Refuse legal aid")),
        ("request_supplement", _("Ask for missing materials (one-time notice)")),
        ("provisional", _("Provisional aid: a deadline is fewer than 7 days away")),
    ]
    outcome = forms.ChoiceField(label=_("Decision"), choices=OUTCOMES, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reasons"), max_length=REASON_MAX, required=False, widget=forms.Textarea,
                             help_text=_("Required to refuse, and to grant aid against a not-eligible means test."))
    missing_items = ItemsField(label=_("Missing materials, one per line"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "refuse" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reasons for the refusal."))
        if data.get("outcome") == "request_supplement" and not data.get("missing_items"):
            self.add_error("missing_items", _("List every missing item."))
        return data


class SupplementForm(forms.Form):
    note = forms.CharField(label=_("Note to the reviewer"), max_length=REASON_MAX, required=False,
                           widget=forms.Textarea)


class YesNoField(forms.ChoiceField):
    """A required yes/no choice: JSON true/false from the API, radio buttons in a form."""

    def __init__(self, *, yes, no, **kwargs):
        super().__init__(choices=[("true", yes), ("false", no)], widget=forms.RadioSelect, **kwargs)

    def to_python(self, value):
        if value is True or value is False:
            return "true" if value else "false"
        return super().to_python(value)

    def clean(self, value):
        return super().clean(value) == "true"


class ConfirmReviewForm(forms.Form):
    confirm = YesNoField(label=_("Confirm the provisional aid?"),
                         yes=_("Confirm: the applicant is entitled to aid"),
                         no=_("Refuse: terminate the aid (Art 48)"))
    reason = forms.CharField(label=_("Reasons"), max_length=REASON_MAX, required=False, widget=forms.Textarea)

    def clean(self):
        data = super().clean()
        if data.get("confirm") is False and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reasons for terminating the aid."))
        return data


class DecideObjectionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=ObjectionOutcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reasons"), max_length=REASON_MAX, widget=forms.Textarea)
