"""Filing an application (docs/domain.md): what must be given, who may file how, what is computed at once.

Every rule about what a filing must contain lives here or on the models' fields, and nowhere else:
the site's form and the API's serializer parse the input and map the errors raised here onto their
own fields. Errors are collected and raised together, so a citizen sees every problem at once.
Error keys are the models' field names, with ``applicant_`` before the applicant's own fields
(``applicant_phone``) — the names the site's form uses.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import Forbidden
from core.transactions import service_transaction
from directory.audit import AuditAction
from directory.choices import CENTER_STAFF_ROLES, MatterType, OrganisationKind, matter_type_fits
from directory.models import Organisation, Region
from directory.selectors import (
    center_for_region,
    center_for_region_code,
    region_for_input,
    user_center_ids,
    user_is_applicant,
    user_is_center_staff,
    user_memberships,
)
from directory.services import audit_record

from .. import means, means_rules, rules, selectors
from ..choices import Channel, Status
from ..models import (
    Applicant,
    Application,
    ApplicationDocument,
    LocalApplicantCategory,
    LocalCode,
    LocalMatterType,
    TrackingCounter,
)
from ..uploads import checked_upload


@dataclass(frozen=True)
class ApplicantData:
    name: str
    id_number: str
    phone: str
    address: str


@dataclass(frozen=True)
class RepresentativeData:
    name: str
    id_number: str
    relation: str


@dataclass(frozen=True)
class MatterData:
    category: str
    type: str
    summary: str
    opposing_party: str = ""


# Channels of a filing here; an agency's notification (通知辩护) comes through its own route.
STAFF_CHANNELS = (Channel.WINDOW, Channel.HOTLINE)

# Filled in by the service, never by the caller: left out of the first validation.
_COMPUTED_FIELDS = [
    "tracking_no",
    "region",
    "center",
    "filed_by",
    "applicant",
    "pledged_at",
    "status",
    "provisional",
    "means_result",
    "means_reasons",
    "means_proof",
    "means_proof_required",
    "economic_standard",
    "period_rule",
    "received_on",
    "decision_due",
]


def _messages(exc: ValidationError, prefix: str = "") -> dict[str, list[str]]:
    return {f"{prefix}{field}": list(messages) for field, messages in exc.message_dict.items()}


def _household_errors(*, size, monthly_income, assets) -> dict[str, list[str]]:
    """The household's figures, checked by the validators of the model's own fields."""
    errors: dict[str, list[str]] = {}
    for name, value in (("household_size", size), ("monthly_income", monthly_income), ("assets", assets)):
        if value is None:
            if name != "assets":
                errors[name] = [_("This field is required.")]
            continue
        field = Application._meta.get_field(name)
        try:
            field.run_validators(field.to_python(value))
        except ValidationError as exc:
            errors[name] = [
                str(_HOUSEHOLD_MESSAGES.get((name, error.code), message))
                for error, message in zip(exc.error_list, exc.messages, strict=True)
            ]
    return errors


# What the citizen reads when a household figure is out of range, instead of the validators' "Ensure
# this value is greater than or equal to 0."
_HOUSEHOLD_MESSAGES = {
    ("household_size", "min_value"): gettext_lazy("Household size must be at least 1."),
    ("household_size", "max_value"): gettext_lazy("Household size cannot be more than 50."),
    ("monthly_income", "min_value"): gettext_lazy("Monthly income cannot be negative."),
    ("assets", "min_value"): gettext_lazy("Assets cannot be negative."),
}


# The groups and matters local rules add, in force on the day (Art 42 (4), Art 32 (5)), are read only
# when the filing names a code that is not statutory: most filings never read them.


def _local_groups(categories, day: datetime.date) -> tuple[means.LocalGroup, ...]:
    return rules.local_groups(day) if set(categories) - set(means.APPLICANT_CATEGORIES) else ()


def _local_matters(matter_type: str, day: datetime.date) -> tuple[means.LocalMatter, ...]:
    return rules.local_matters(day) if matter_type not in MatterType.values else ()


def _not_in_force(model: type[LocalCode], code: str) -> str | None:
    """The label of a local code that exists but is not in force on the day; None for an unknown code."""
    if not means.is_local_code(code):
        return None
    return model.labels().get(code)


def _categories_errors(categories, day: datetime.date) -> dict[str, list[str]]:
    known = set(means.APPLICANT_CATEGORIES) | {g.code for g in _local_groups(categories, day)}
    unknown = sorted(str(c) for c in set(categories) - known)
    if not unknown:
        return {}
    label = _not_in_force(LocalApplicantCategory, unknown[0])
    if label is not None:
        message = _(
            "The special group “%(group)s” does not apply on %(day)s: the local rule that adds it "
            "is not in force that day."
        ) % {"group": label, "day": day.isoformat()}
    else:
        message = _("Unknown special group “%(code)s”.") % {"code": unknown[0]}
    return {"categories": [message]}


def _matter_errors(category: str, matter_type: str, day: datetime.date) -> dict[str, list[str]]:
    """The matter type belongs to the category: a statutory type by ``matter_type_fits``, a local one
    (in force on ``day``) by its row's kind of matter."""
    if matter_type in MatterType.values or not means.is_local_code(matter_type):
        # an unknown code that is not a local one is the model field's to refuse (its choices)
        if not matter_type_fits(category, matter_type):
            return {"matter_type": [_("The matter type does not belong to this category.")]}
        return {}
    local = next((m for m in _local_matters(matter_type, day) if m.code == matter_type), None)
    if local is None:
        label = _not_in_force(LocalMatterType, matter_type)
        if label is None:
            return {"matter_type": [_("Unknown matter type “%(code)s”.") % {"code": matter_type}]}
        return {
            "matter_type": [
                _(
                    "The matter type “%(matter)s” does not apply on %(day)s: the local rule that adds it "
                    "is not in force that day."
                )
                % {"matter": label, "day": day.isoformat()}
            ]
        }
    if local.matter_category != category:
        return {"matter_type": [_("The matter type does not belong to this category.")]}
    return {}


def _defence_reason_errors(matter_type: str, defence_reason: str) -> dict[str, list[str]]:
    """Art 24: a criminal defence states why (economic hardship or another reason); nothing else does."""
    if matter_type == MatterType.CRIMINAL_DEFENCE:
        if defence_reason not in means.DefenceReason.values:
            return {
                "defence_reason": [
                    _("Say why a defender is sought: economic hardship or another reason (Art 24).")
                ]
            }
    elif defence_reason:
        return {
            "defence_reason": [
                _("Only a criminal defence application states a reason for seeking a defender.")
            ]
        }
    return {}


def _representative_errors(representative: RepresentativeData | None) -> dict[str, list[str]]:
    if representative is None:
        return {}
    given = [representative.name, representative.id_number, representative.relation]
    if any(given) and not all(given):
        return {"representative_name": [_("Give the representative's name, ID number and relation.")]}
    return {}


def _channel_errors(*, acting_user, channel: str, staff_centers: list[Organisation]) -> dict[str, list[str]]:
    """Online the applicants themselves; window and hotline the staff of any aid center of the city,
    on the applicant's behalf (Art 38, 市域通办: a citizen is served wherever they come)."""
    if channel == Channel.ONLINE:
        if user_is_applicant(acting_user):
            return {}
        return {"channel": [_("Staff record requests received at the window or by the hotline.")]}
    if channel not in STAFF_CHANNELS:
        return {"channel": [_("This channel cannot be used here.")]}
    if not staff_centers:
        return {
            "channel": [_("Only the staff of a legal aid center record window and hotline applications.")]
        }
    return {}


def _staff_centers(user: AbstractBaseUser) -> list[Organisation]:
    """The aid centers where ``user`` is a clerk, reviewer or director, in the order they joined them."""
    centers: list[Organisation] = []
    for membership in user_memberships(user):
        center = membership.organisation
        if (
            membership.role in CENTER_STAFF_ROLES
            and center.kind == OrganisationKind.AID_CENTER
            and center not in centers
        ):
            centers.append(center)
    return centers


def receiving_center(
    *, channel: str, competent: Organisation, staff_centers: list[Organisation]
) -> Organisation:
    """The center that receives a filing and issues its receipt and tracking number (Art 38, 市域通办).

    Online: the competent center, the region's. A window or hotline record: the recording staff
    member's own center, whatever the region says — the competent one if they work there, else the
    first they joined. A center that is not competent transfers the application to the competent
    one (services.transfers); the region stays where the dispute arose or the handling agency sits.
    """
    if channel == Channel.ONLINE or competent in staff_centers:
        return competent
    return staff_centers[0]


def tracking_no_next(*, region: Region, year: int) -> str:
    """``JDZ-<REGION>-<YEAR>-<6-digit sequence>``; unique under concurrency, gaps allowed.

    The UPDATE takes the counter row's lock until the filing commits, so a concurrent filing waits
    and then reads its own, higher value; a rolled-back filing leaves a gap, which is allowed.
    """
    last = _counter_increment(region_id=region.pk, year=year)
    if last is None:
        # The first filing of the year in this region: get_or_create survives a concurrent first
        # filing (it re-reads after an IntegrityError, inside its own savepoint).
        TrackingCounter.objects.get_or_create(region=region, year=year)
        last = _counter_increment(region_id=region.pk, year=year)
    return f"JDZ-{region.code.upper()}-{year}-{last:06d}"


def _counter_increment(*, region_id: int, year: int) -> int | None:
    """Add one to the counter and read the new value in one statement (UPDATE ... RETURNING, which
    SQLite 3.35+ and PostgreSQL both have and the ORM cannot say); None when there is no row yet."""
    qn = connection.ops.quote_name
    table, last = qn(TrackingCounter._meta.db_table), qn("last")
    region, year_column = qn(TrackingCounter._meta.get_field("region").column), qn("year")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + 1 WHERE {region} = %s AND {year_column} = %s "  # noqa: S608
            f"RETURNING {last}",
            [region_id, year],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def means_for(
    *,
    region: Region,
    on: datetime.date,
    categories,
    matter: MatterData,
    household: means.Household,
    id_number: str | None,
    defence_reason: str = "",
):
    row = rules.economic_standard_in_force(region, on)
    result = means.means_test(
        categories=categories,
        matter_category=matter.category,
        matter_type=matter.type,
        household=household,
        standard=rules.as_standard(row),
        id_number=id_number,
        on=on,
        defence_reason=defence_reason or None,
        not_restricted_matters=means_rules.not_restricted_matters(on),
        exemptions=means_rules.exemptions(on),
        local_groups=_local_groups(categories, on),
        local_matters=_local_matters(matter.type, on),
    )
    return result, row


def means_preview(
    *,
    region: str,
    categories,
    matter_category: str,
    matter_type: str,
    household_size: int | None,
    monthly_income: Decimal | None,
    assets: Decimal | None = None,
    fixed_income: bool | None = None,
    id_number: str | None = None,
    defence_reason: str = "",
) -> means.MeansResult:
    """What the means test would say today about the answers typed so far (the form's live preview).

    Raises ``ValidationError`` for answers a filing would refuse, by the same checks as filing.
    """
    today = timezone.localdate()
    errors = {
        **_categories_errors(categories, today),
        **_matter_errors(matter_category, matter_type, today),
        **_household_errors(size=household_size, monthly_income=monthly_income, assets=assets),
    }
    if defence_reason:  # the preview runs before the reason is chosen: only a wrong one is an error
        errors.update(_defence_reason_errors(matter_type, defence_reason))
    if errors:
        raise ValidationError(errors)
    result, _row = means_for(
        region=region_for_input(region),
        on=today,
        categories=categories,
        matter=MatterData(category=matter_category, type=matter_type, summary=""),
        household=means.Household(
            size=household_size, monthly_income=monthly_income, assets=assets, fixed_income=fixed_income
        ),
        id_number=id_number or None,
        defence_reason=defence_reason if matter_type == MatterType.CRIMINAL_DEFENCE else "",
    )
    return result


def user_may_file(user: AbstractBaseUser) -> bool:
    """Applicants (citizens' own accounts) and the staff of an aid center; no other role files."""
    return user_is_applicant(user) or user_is_center_staff(user)


@service_transaction()
def application_submit(
    *,
    acting_user: AbstractBaseUser,
    channel: str,
    region: Region | str,
    applicant: ApplicantData,
    representative: RepresentativeData | None,
    categories: list[str],
    matter: MatterData,
    household_size: int | None,
    monthly_income: Decimal | None,
    assets: Decimal | None = None,
    fixed_income: bool | None = None,
    urgent_deadline: datetime.date | None = None,
    pledge: bool,
    defence_reason: str = "",
) -> Application:
    """File an application: checked as a whole, then the means test, due date and tracking number at once.

    Applicants file for themselves (or for those they represent); a center's staff record window
    and hotline requests. No other role files (403), whatever the input.
    """
    if not user_may_file(acting_user):
        raise Forbidden(_("Only applicants and the staff of a legal aid center may file applications."))
    errors: dict[str, list[str]] = {}
    try:
        center = center_for_region(region) if isinstance(region, Region) else center_for_region_code(region)
    except ValidationError as exc:
        errors.update(_messages(exc))
    categories = sorted(set(categories or []))
    person = Applicant(
        name=applicant.name,
        id_number=(applicant.id_number or "").upper(),
        phone=applicant.phone,
        address=applicant.address,
    )
    try:
        person.full_clean()
    except ValidationError as exc:
        errors.update(_messages(exc, prefix="applicant_"))
    application = Application(
        channel=channel,
        categories=categories,
        is_priority=bool(categories),
        representative_name=representative.name if representative else "",
        representative_id_number=(representative.id_number or "").upper() if representative else "",
        representative_relation=representative.relation if representative else "",
        matter_category=matter.category,
        matter_type=matter.type,
        matter_summary=matter.summary,
        opposing_party=matter.opposing_party or "",
        household_size=household_size,
        monthly_income=monthly_income,
        assets=assets,
        fixed_income=fixed_income,
        urgent_deadline=urgent_deadline,
        defence_reason=defence_reason or "",
    )
    now = timezone.now()
    received_on = timezone.localdate(now)
    # A local matter type (local_…) is not among the field's choices: _matter_errors checks it
    # against the local rows in force on the day of receipt.
    local_matter = ["matter_type"] if means.is_local_code(matter.type) else []
    try:
        # The single fields, by their model's own validators. Uniqueness and the CHECK constraints
        # are the database's to enforce (a query each here, for values this service computes).
        application.full_clean(
            exclude=[*_COMPUTED_FIELDS, *local_matter], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        errors.update(_messages(exc))
    errors.update(_household_errors(size=household_size, monthly_income=monthly_income, assets=assets))
    errors.update(_categories_errors(categories, received_on))
    errors.update(_matter_errors(matter.category, matter.type, received_on))
    errors.update(_defence_reason_errors(matter.type, defence_reason or ""))
    errors.update(_representative_errors(representative))
    if urgent_deadline is not None and urgent_deadline < received_on:
        errors.setdefault("urgent_deadline", []).append(_("The deadline is already past."))
    if not pledge:
        errors["pledge"] = [_("The integrity pledge must be given.")]
    if errors:
        raise ValidationError(errors)
    region = center.region  # no errors: the competent center, and with it the region, was found

    staff_centers = _staff_centers(acting_user) if channel in STAFF_CHANNELS else []
    channel_errors = _channel_errors(acting_user=acting_user, channel=channel, staff_centers=staff_centers)
    if channel_errors:
        raise ValidationError(channel_errors)
    # the means test and the periods are the region's; the receipt and tracking number the receiving center's
    center = receiving_center(channel=channel, competent=center, staff_centers=staff_centers)
    household = means.Household(
        size=household_size, monthly_income=monthly_income, assets=assets, fixed_income=fixed_income
    )
    result, standard_row = means_for(
        region=region,
        on=received_on,
        categories=categories,
        matter=matter,
        household=household,
        id_number=person.id_number,
        defence_reason=defence_reason,
    )
    period_rule = rules.period_rule_in_force(region, received_on)

    person.save()
    application.tracking_no = tracking_no_next(region=center.region, year=received_on.year)
    application.region, application.center, application.filed_by, application.applicant = (
        region,
        center,
        acting_user,
        person,
    )
    application.pledged_at = now
    application.status = Status.SUBMITTED
    application.means_result = result.result.value
    application.means_reasons = [{"code": r.code, "message": str(r.message)} for r in result.reasons]
    application.means_proof = result.proof_status.value
    application.means_proof_required = list(result.proof)
    application.economic_standard = standard_row
    application.period_rule = period_rule if period_rule.pk else None
    application.received_on = received_on
    application.decision_due = rules.due_date(
        start=received_on, days=period_rule.review_days, rule=period_rule
    )
    application.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.APPLICATION_SUBMIT,
        obj=application,
        old=None,
        new={
            "status": application.status,
            "tracking_no": application.tracking_no,
            "means_result": application.means_result,
        },
    )
    return application


# Materials per application: enough for every certificate a case needs, not a file store.
MAX_UPLOADS_PER_APPLICATION = 30


def may_add_documents(user: AbstractBaseUser, application: Application) -> bool:
    """The applicant's side or the handling center's staff (docs/api.md, the documents endpoint)."""
    if application.filed_by_id == user.pk:
        return True
    if application.center_id in user_center_ids(user):
        return True
    return selectors.user_is_party(user, application)


@service_transaction()
def application_document_add(
    *, acting_user: AbstractBaseUser, application: Application, upload: UploadedFile, description: str = ""
) -> ApplicationDocument:
    """Attach an uploaded material after checking its real type and size (uploads.py).

    Only the applicant's side (the filing account, or the registered applicant or representative)
    and the handling center's staff add materials, at most ``MAX_UPLOADS_PER_APPLICATION`` per
    application. The count is read under the application's row lock, so two uploads at once cannot
    both take the last place.
    """
    if not may_add_documents(acting_user, application):
        raise Forbidden(
            _("Only the applicant, their representative or the handling center may add materials.")
        )
    checked = checked_upload(upload)
    Application.objects.select_for_update().filter(pk=application.pk).values_list("pk").first()
    if application.uploads.filter(closing_item="").count() >= MAX_UPLOADS_PER_APPLICATION:
        raise ValidationError(
            {
                "file": [
                    _("An application can have at most %(count)s files.")
                    % {"count": MAX_UPLOADS_PER_APPLICATION}
                ]
            }
        )
    document = ApplicationDocument(
        application=application,
        stored_name=f"{uuid.uuid4().hex}.{checked.extension}",
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        description=description,
        uploaded_by=acting_user,
    )
    document.file.save(document.stored_name, upload, save=False)
    document.full_clean(exclude=["application", "uploaded_by"])  # the objects the caller holds
    document.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.APPLICATION_DOCUMENT_ADD,
        obj=application,
        new={"document": document.pk, "type": document.content_type, "size": document.size},
    )
    return document


def agency_case_create(
    *,
    acting_user: AbstractBaseUser,
    center: Organisation,
    channel: str,
    applicant: Applicant,
    category: str,
    matter_type: str,
    summary: str,
    opposing_party: str = "",
    reason_code: str,
    reason_message: str,
    received_on: datetime.date,
    defence_grounds: list[str] | None = None,
) -> Application:
    """The case an agency makes without an application (a notified defence, the procuratorate's
    public-interest litigation): approved at once, not means-tested, with the reason saying why.
    Saves the (unsaved, already checked) applicant too; the caller has checked every input."""
    region = center.region
    period_rule = rules.period_rule_in_force(region, received_on)
    applicant.full_clean()
    applicant.save()
    application = Application(
        tracking_no=tracking_no_next(region=region, year=received_on.year),
        region=region,
        center=center,
        channel=channel,
        filed_by=acting_user,
        applicant=applicant,
        matter_category=category,
        matter_type=matter_type,
        matter_summary=summary,
        opposing_party=opposing_party,
        # nobody applied: the household answers are placeholders the means test never reads
        household_size=1,
        monthly_income=0,
        pledged_at=timezone.now(),
        status=Status.APPROVED,
        means_result=means.Result.NOT_RESTRICTED.value,
        means_reasons=[{"code": reason_code, "message": reason_message}],
        means_proof=means.Proof.NOT_NEEDED,
        defence_grounds=defence_grounds or [],
        period_rule=period_rule if period_rule.pk else None,
        received_on=received_on,
        # no review: the agency's filing is the decision
        decision_due=None,
    )
    # the objects this service holds (or just made) are not re-read to validate them
    application.full_clean(
        exclude=["region", "center", "filed_by", "applicant", "period_rule"], validate_unique=False
    )
    application.save()
    return application


# The matter's own fields on the application, checked by ``matter_errors``.
_MATTER_FIELDS = ("matter_category", "matter_type", "matter_summary", "opposing_party", "defence_reason")


def matter_errors(matter: MatterData, *, defence_reason: str, day: datetime.date) -> dict[str, list[str]]:
    """What is wrong with a matter and its reason for seeking a defender, keyed like a filing's errors:
    the model's own field checks, the type fitting the category (a local type: in force on ``day``)
    and Art 24's reason. For the routes other than a filing that make an application from a request
    (a detainee's request forwarded by the unit holding them, Art 39)."""
    application = Application(
        matter_category=matter.category,
        matter_type=matter.type,
        matter_summary=matter.summary,
        opposing_party=matter.opposing_party or "",
        defence_reason=defence_reason or "",
    )
    # a local matter type (local_…) is not among the field's choices: _matter_errors checks it
    checked = [f for f in _MATTER_FIELDS if not (f == "matter_type" and means.is_local_code(matter.type))]
    errors: dict[str, list[str]] = {}
    try:
        application.clean_fields(exclude=[f.name for f in Application._meta.fields if f.name not in checked])
    except ValidationError as exc:
        errors.update(_messages(exc))
    errors.update(_matter_errors(matter.category, matter.type, day))
    errors.update(_defence_reason_errors(matter.type, defence_reason or ""))
    return errors
