from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from directory.choices import MatterType, ProviderKind
from directory.models import Region


class LookupForm(forms.Form):
    """The public lookup's filters (法律查询服务). Every field optional; bad values are form errors."""

    CATEGORY_CHOICES = [
        ("centers", _("Legal aid centers")),
        ("offices", _("Grassroots legal service offices")),
        ("firms", _("Law firms")),
        ("providers", _("Lawyers and legal service workers")),
        ("notary", _("Notary offices")),
        ("forensic", _("Forensic appraisal institutions")),
    ]

    category = forms.ChoiceField(label=_("What to look for"), choices=CATEGORY_CHOICES, required=False)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All regions"),
        error_messages={"invalid_choice": _("Unknown region.")},
    )
    q = forms.CharField(label=_("Name contains"), max_length=64, required=False)
    kind = forms.ChoiceField(
        label=_("Kind of provider"), choices=[("", _("All kinds")), *ProviderKind.choices], required=False
    )
    specialty = forms.ChoiceField(
        label=_("Specialty"), choices=[("", _("All specialties")), *MatterType.choices], required=False
    )


def add_errors(form: forms.Form, exc: ValidationError, renamed: dict[str, str] | None = None) -> None:
    """A service's ``ValidationError`` on the form: each message on the field of its name (``renamed``
    maps a service's name to the form's), the rest above the form. The services name their errors
    after the fields the forms use, so one function serves every page."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        field = (renamed or {}).get(field, field)
        form.add_error(field if field in form.fields else None, errors)
