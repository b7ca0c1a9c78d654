"""The site's forms of fee waivers, public-interest notarisations and the procuratorate's filing.

They only parse: every rule (an amount, a treatment's needs, an institution of the right kind) is
``waivers.services``' or ``workflows.services``', whose ``ValidationError`` comes back onto these
fields — they bear the services' names. Money stays text here: the service reads it as ``Decimal``.
A required field's message is the service's own (already in the catalogue), so the page says the
same thing whether the browser or the service caught it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aid_cases.services.public_interest import (
    CASE_NO_MAX,
    PARTY_MAX,
    PUBLIC_INTEREST_CATEGORIES,
    SUMMARY_MAX,
)
from directory.choices import OrganisationKind
from directory.models import Organisation
from directory.selectors import regions_list
from waivers.choices import INSTITUTION_KIND_FOR, WAIVER_INSTITUTION_KINDS, Treatment, WaiverKind

DATE_FORMAT = "%Y-%m-%d"
DATE_ERROR = _("Enter the date as YYYY-MM-DD.")
AMOUNT = _("Give the amount in yuan, e.g. 2500.00.")
TEXT_MAX = 200
REASON_MAX = 2000

# A public-interest filing's appraisal: forensic institutions only.
FORENSIC_KINDS = (INSTITUTION_KIND_FOR[WaiverKind.FORENSIC],)

# Typed often, offered as suggestions (a datalist): the service is free text, as the letter names it.
SERVICE_SUGGESTIONS: dict[str, tuple[str, ...]] = {
    WaiverKind.NOTARY.value: (
        "继承权公证",
        "委托书公证",
        "证据保全公证",
        "声明书公证",
        "遗嘱公证",
        "亲属关系公证",
    ),
    WaiverKind.FORENSIC.value: (
        "伤残等级鉴定",
        "亲子鉴定",
        "精神疾病司法鉴定",
        "医疗损害鉴定",
        "环境损害鉴定",
        "笔迹鉴定",
        "损伤程度鉴定",
    ),
    WaiverKind.COURT.value: ("一审案件受理费", "二审案件受理费", "申请执行费", "财产保全申请费"),
}


def _money_input() -> forms.TextInput:
    # text, not a number input: "2,500.00" is read by the service, and a phone shows its number pad
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "site-money"})


def _date_input(today: datetime.date | None = None) -> forms.DateInput:
    attrs = {"type": "date"}
    if today is not None:
        attrs["max"] = today.strftime(DATE_FORMAT)
    return forms.DateInput(attrs=attrs, format=DATE_FORMAT)


class InstitutionSelect(forms.Select):
    """A select of institutions grouped by kind, each option marked with its kind (``data-kind``) so
    the page's script can offer only those of the kind of fee chosen."""

    def __init__(self, *args: Any, kinds: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = kinds or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        kind = self.kinds.get(str(value))
        if kind:
            option["attrs"]["data-kind"] = kind
        return option


def waiver_institutions(kinds: tuple[str, ...] = WAIVER_INSTITUTION_KINDS) -> list[Organisation]:
    """The active institutions of the whole city a waiver may be addressed to (any region: the seed
    opens notary practice across the city), by kind and region."""
    return list(
        Organisation.objects.filter(active=True, kind__in=kinds)
        .select_related("region")
        .order_by("kind", "region__sort_order", "name", "pk")
    )


def institution_field(
    institutions: list[Organisation], *, label: Any, help_text: Any = ""
) -> forms.ChoiceField:
    """A choice of ``institutions``, grouped by kind (the order of the kinds of fee)."""
    labels = dict(OrganisationKind.choices)
    groups = []
    for kind in WAIVER_INSTITUTION_KINDS:
        members = [(str(o.pk), o.name) for o in institutions if o.kind == kind]
        if members:
            groups.append((labels[kind], members))
    choices: list[Any] = [("", _("Choose…"))]
    choices += groups if len(groups) > 1 else [c for _label, members in groups for c in members]
    return forms.ChoiceField(
        label=label,
        choices=choices,
        help_text=help_text,
        widget=InstitutionSelect(kinds={str(o.pk): o.kind for o in institutions}),
        error_messages={
            "required": _("Choose an institution from the directory."),
            "invalid_choice": _("Choose an institution from the directory."),
        },
    )


class WaiverRequestForm(forms.Form):
    """Ask an institution to waive, reduce or defer a fee of the case (``fee_waiver_request``)."""

    prefix = "waiver"

    kind = forms.ChoiceField(
        label=_("Kind of fee"),
        choices=[("", _("Choose…")), *WaiverKind.choices],
        error_messages={
            "required": _("Choose notarisation, forensic appraisal or litigation fee."),
            "invalid_choice": _("Choose notarisation, forensic appraisal or litigation fee."),
        },
    )
    service = forms.CharField(
        label=_("Service"),
        max_length=TEXT_MAX,
        help_text=_("As the institution names it, e.g. 继承权公证 or 伤残等级鉴定."),
        widget=forms.TextInput(attrs={"list": "waiver-services", "autocomplete": "off"}),
        error_messages={"required": _("Name the service needed.")},
    )
    standard_fee = forms.CharField(
        label=_("Standard fee (yuan)"),
        max_length=32,
        widget=_money_input(),
        error_messages={"required": AMOUNT},
    )
    treatment = forms.ChoiceField(
        label=_("Treatment asked for"),
        choices=Treatment.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose waive, reduce or defer."),
            "invalid_choice": _("Choose waive, reduce or defer."),
        },
    )
    requested_fee = forms.CharField(
        label=_("Reduced fee asked for (yuan)"),
        required=False,
        max_length=32,
        widget=_money_input(),
        help_text=_("Only for a reduction: the fee the institution would still charge."),
    )
    deferred_payer = forms.CharField(
        label=_("Who pays the deferred fee"),
        required=False,
        max_length=TEXT_MAX,
        help_text=_("Only for a deferral, e.g. the losing party."),
    )

    def __init__(self, *args: Any, institutions: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution_id"] = institution_field(
            institutions,
            label=_("Institution"),
            help_text=_(
                "A notary office for a notarisation fee, a forensic institution for an appraisal, a court for a litigation fee."
            ),
        )
        # the institution right after the kind of fee it must match
        self.order_fields(["kind", "institution_id", "service", "standard_fee", "treatment"])

    def service_fields(self) -> dict[str, Any]:
        """The keyword arguments of ``workflows.services.fee_waiver_request``."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "institution_id": data["institution_id"],
            "service": data["service"],
            "standard_fee": data["standard_fee"],
            "treatment": data["treatment"],
            "requested_fee": data["requested_fee"] or None,
            "deferred_payer": data["deferred_payer"],
        }


class JudgmentForm(forms.Form):
    """The judgment that settles a fee deferred until it (``waiver_judgment_record``); one per waiver
    on the case page, so its prefix names the waiver."""

    date = forms.DateField(
        label=_("Date of the judgment"),
        input_formats=[DATE_FORMAT],
        error_messages={"required": _("Give the date of the judgment."), "invalid": DATE_ERROR},
    )
    losing_party = forms.CharField(
        label=_("Losing party"),
        max_length=TEXT_MAX,
        help_text=_("Who bears the deferred fee under the judgment."),
        error_messages={"required": _("Name the losing party.")},
    )

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].widget = _date_input(today)


class NotarisationForm(forms.Form):
    """A public-interest notarisation a notary office logs (``notarisation_log``)."""

    prefix = "notarisation"

    date = forms.DateField(
        label=_("Date of the notarisation"),
        input_formats=[DATE_FORMAT],
        error_messages={"required": _("Give the date of the notarisation."), "invalid": DATE_ERROR},
    )
    matter = forms.CharField(
        label=_("Matter notarised"),
        max_length=TEXT_MAX,
        error_messages={"required": _("Name the matter notarised.")},
    )
    beneficiary = forms.CharField(
        label=_("For whom"),
        max_length=TEXT_MAX,
        help_text=_("The person or group the notarisation served, e.g. 社区孤寡老人."),
        error_messages={"required": _("Say for whom.")},
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].widget = _date_input(today)
        if not self.is_bound:
            self.initial.setdefault("date", today)


class NotarisationVerifyForm(forms.Form):
    """The bureau verifies a logged notarisation or rejects it with reasons; one per pending row."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("verify", _("Verify")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose verify or reject."),
            "invalid_choice": _("Choose verify or reject."),
        },
    )
    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=REASON_MAX,
        help_text=_("Required to reject."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PublicInterestForm(forms.Form):
    """The procuratorate's environmental public-interest litigation and the appraisal it needs
    (``workflows.services.public_interest_file``)."""

    agency_case_no = forms.CharField(
        label=_("Procuratorate's case number"),
        max_length=CASE_NO_MAX,
        error_messages={"required": _("Give the agency's case number.")},
    )
    region = forms.ChoiceField(
        label=_("Aid center (region)"),
        help_text=_("The legal aid center of the region where the damage occurred."),
    )
    category = forms.ChoiceField(
        label=_("Kind of litigation"),
        choices=[(c.value, c.label) for c in PUBLIC_INTEREST_CATEGORIES],
        widget=forms.RadioSelect,
        initial=PUBLIC_INTEREST_CATEGORIES[0].value,
        error_messages={
            "required": _("Public-interest litigation is a civil or an administrative case."),
            "invalid_choice": _("Public-interest litigation is a civil or an administrative case."),
        },
    )
    summary = forms.CharField(
        label=_("The environmental damage and the claim"),
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Describe the environmental damage and the claim.")},
    )
    defendant = forms.CharField(
        label=_("Defendant"),
        max_length=PARTY_MAX,
        error_messages={"required": _("Name the defendant.")},
    )
    service = forms.CharField(
        label=_("Appraisal needed"),
        max_length=TEXT_MAX,
        widget=forms.TextInput(attrs={"list": "forensic-services", "autocomplete": "off"}),
        error_messages={"required": _("Name the service needed.")},
    )
    standard_fee = forms.CharField(
        label=_("Its standard fee (yuan)"),
        max_length=32,
        widget=_money_input(),
        help_text=_("Deferred until the judgment, then borne by the losing party."),
        error_messages={"required": AMOUNT},
    )

    def __init__(self, *args: Any, agency: Organisation, institutions: list[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in regions_list()]
        self.fields["institution_id"] = institution_field(
            institutions,
            label=_("Forensic institution"),
            help_text=_("The institution that appraises the damage."),
        )
        self.order_fields(
            ["agency_case_no", "region", "category", "summary", "defendant", "institution_id", "service"]
        )
        if not self.is_bound:
            self.initial.setdefault("region", agency.region.code)

    def service_fields(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
