"""Forms of the application pages: the citizen's request and the clerk's window/hotline record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aid_cases import rules
from aid_cases.choices import Channel, RepresentativeRelation, Status
from aid_cases.means import ApplicantCategory, DefenceReason
from aid_cases.services.intake import MAX_UPLOADS_PER_APPLICATION
from aid_cases.services.termination import TERMINATION_GROUNDS
from aid_cases.uploads import checked_upload, max_upload_bytes
from directory.choices import MatterCategory, MatterType, matter_type_fits
from directory.selectors import regions_list

ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files, as a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


def matter_types_by_category() -> dict[str, list[str]]:
    """The matter types each category takes, by the one rule (``matter_type_fits``), for the form's script;
    a matter type a local rule adds (in force today) under its own category."""
    local = rules.local_matters(timezone.localdate())
    return {
        category: [
            *(t for t in MatterType.values if matter_type_fits(category, t)),
            *(m.code for m in local if m.matter_category == category),
        ]
        for category in MatterCategory.values
    }


def category_choices() -> list[tuple[str, Any]]:
    """The special groups to tick: the statutory ones, then those local rules add (in force today)."""
    local = rules.local_groups(timezone.localdate())
    return [*ApplicantCategory.choices, *((g.code, g.label) for g in local)]


def matter_type_choices() -> list[tuple[str, Any]]:
    """The matter types: the statutory ones, then those local rules add (in force today)."""
    local = rules.local_matters(timezone.localdate())
    return [*MatterType.choices, *((m.code, m.label) for m in local)]


class ApplicationForm(forms.Form):
    """Parses the request; whether it can be filed is ``aid_cases.services.application_submit``'s to say,
    and its errors come back onto these fields (they bear the service's names)."""

    region = forms.CharField(
        label=_("Region where the matter is handled"),
        widget=forms.Select,
        help_text=_(
            "Court cases: the aid center of the region where the court or the agency handling the case sits. "
            "Other matters: where the dispute-handling body sits or where the matter arose (Art 38)."
        ),
    )
    applicant_name = forms.CharField(label=_("Applicant's name"), max_length=64)
    applicant_id_number = forms.CharField(
        label=_("Applicant's resident ID number"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    applicant_phone = forms.CharField(
        label=_("Telephone"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    applicant_address = forms.CharField(label=_("Address"), max_length=200)
    representative_name = forms.CharField(
        label=_("Representative's name"),
        max_length=64,
        required=False,
        help_text=_("Only when applying for a minor or a person without full capacity (Art 40)."),
    )
    representative_id_number = forms.CharField(
        label=_("Representative's ID number"), max_length=18, required=False
    )
    representative_relation = forms.ChoiceField(
        label=_("Relation"), required=False, choices=[("", "—"), *RepresentativeRelation.choices]
    )
    # the choices of today: local rules add groups and matters as rows (aid_cases.models.LocalCode)
    categories = forms.MultipleChoiceField(
        label=_("Special groups (tick all that apply)"),
        required=False,
        choices=category_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    matter_category = forms.ChoiceField(label=_("Kind of matter"), choices=MatterCategory.choices)
    matter_type = forms.ChoiceField(label=_("Matter"), choices=matter_type_choices)
    # Art 24: only a criminal defence says why a defender is sought (the page shows it for that only).
    defence_reason = forms.ChoiceField(
        label=_("Why the suspect or defendant has no defender (criminal defence only)"),
        required=False,
        choices=DefenceReason.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Economic hardship is checked against the hardship standard; for another reason the means "
            "test does not decide (Legal Aid Law, Article 24)."
        ),
    )
    matter_summary = forms.CharField(
        label=_("What happened, and what you ask for"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    opposing_party = forms.CharField(label=_("Opposing party"), max_length=200, required=False)
    household_size = forms.IntegerField(
        label=_("People in the household"), widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    monthly_income = forms.DecimalField(
        label=_("Household income per month (yuan)"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    assets = forms.DecimalField(
        label=_("Household assets (yuan, optional)"),
        max_digits=14,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    fixed_income = forms.TypedChoiceField(
        label=_("Does the applicant have a fixed source of income?"),
        required=False,
        empty_value=None,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        choices=[("yes", _("Yes")), ("no", _("No")), ("", _("Not sure"))],
        widget=forms.RadioSelect,
    )
    urgent_deadline = forms.DateField(
        label=_("Limitation period or urgent deadline (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "If fewer than seven days remain before a statutory limitation period or time limit expires, aid "
            "can be provided first and reviewed afterwards (Legal Aid Law, Article 44)."
        ),
    )
    files = MultipleFileField(
        label=_("Materials (optional)"),
        required=False,
    )
    pledge = forms.BooleanField(
        label=_(
            "I pledge that the information and materials I provide are true, complete and valid, and I "
            "accept the legal consequences of any false statement (个人诚信承诺)."
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The regions to choose from; a code that is not among them is refused by the service.
        self.fields["region"].widget.choices = [
            (r.code, r.name) for r in regions_list().filter(level="county")
        ]
        each, together = max_upload_bytes(), getattr(settings, "MULTIPART_MAX_REQUEST_SIZE", None)
        self.fields["files"].help_text = _(
            "PDF, JPEG or PNG, up to %(size)s each and %(total)s together: your ID card, proof of income, "
            "and papers about the matter. You can also send them later."
        ) % {
            "size": filesizeformat(each),
            "total": filesizeformat(together or each * MAX_UPLOADS_PER_APPLICATION),
        }
        # the page's script warns before sending what the server would refuse
        self.fields["files"].widget.attrs.update(
            {
                "data-max-each": each,
                "data-max-total": together or "",
                "data-too-large": _("These files are too large to send. Choose smaller or fewer files."),
            }
        )

    def clean_files(self) -> list:
        """Each file's real type and size, checked before anything is filed (aid_cases.uploads)."""
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_UPLOADS_PER_APPLICATION:
            raise ValidationError(
                _("An application can have at most %(count)s files.") % {"count": MAX_UPLOADS_PER_APPLICATION}
            )
        errors = []
        for upload in files:
            try:
                checked_upload(upload)
            except ValidationError as exc:
                errors += [f"{upload.name}: {message}" for message in exc.messages]
        if errors:
            raise ValidationError(errors)
        return files

    def service_fields(self) -> dict:
        """The keyword arguments of aid_cases.services.application_submit."""
        from aid_cases import services

        d = self.cleaned_data
        return {
            "region": d["region"],  # the code: the service resolves it
            "applicant": services.ApplicantData(
                name=d["applicant_name"],
                id_number=d["applicant_id_number"],
                phone=d["applicant_phone"],
                address=d["applicant_address"],
            ),
            "representative": services.RepresentativeData(
                name=d["representative_name"],
                id_number=d["representative_id_number"],
                relation=d["representative_relation"],
            )
            if d.get("representative_name")
            else None,
            "categories": list(d["categories"]),
            "matter": services.MatterData(
                category=d["matter_category"],
                type=d["matter_type"],
                summary=d["matter_summary"],
                opposing_party=d["opposing_party"],
            ),
            "household_size": d["household_size"],
            "monthly_income": d["monthly_income"],
            "assets": d["assets"],
            "fixed_income": d["fixed_income"],
            "urgent_deadline": d["urgent_deadline"],
            "pledge": d["pledge"],
            "defence_reason": d["defence_reason"],
        }


class StaffApplicationForm(ApplicationForm):
    """A clerk records a walk-in or hotline request on the applicant's behalf."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(Channel.WINDOW, Channel.WINDOW.label), (Channel.HOTLINE, Channel.HOTLINE.label)],
    )

    field_order = ["channel"]


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you disagree with the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ObjectionOnBehalfForm(forms.Form):
    """A citizen's written objection (书面异议), recorded by bureau staff or the center's clerk."""

    reason = forms.CharField(
        label=_("The applicant's objection, as written"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class TerminateForm(forms.Form):
    """Termination by the center (Art 48): the ground and written reasons; the service checks both."""

    ground = forms.ChoiceField(label=_("Ground (Art 48)"), choices=[])
    reason = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # no ground chosen in advance: the reviewer names one
        self.fields["ground"].choices = [
            ("", _("Choose a ground")),
            *((g.value, g.label) for g in TERMINATION_GROUNDS),
        ]


class TrackForm(forms.Form):
    tracking_no = forms.CharField(
        label=_("Tracking number"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "JDZ-ZHUSHAN-2026-000123"}),
    )
    id_tail = forms.CharField(label=_("Last 4 characters of the ID number"), min_length=4, max_length=4)


class CaseSearchForm(forms.Form):
    """The center staff's case search; every field optional."""

    tracking_no = forms.CharField(label=_("Tracking number"), max_length=40, required=False)
    name = forms.CharField(label=_("Applicant's name"), max_length=64, required=False)
    id_number = forms.CharField(
        label=_("ID number (all or its last characters)"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Status.choices])
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("The end date is before the start date."))
        return data
