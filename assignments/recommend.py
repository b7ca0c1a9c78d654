"""Who may be assigned an aid case, and who first: the recommendation of DESIGN §4.

``recommendations_for(application)`` lists every eligible provider, best first, each with its score
and the reasons the reviewer sees. ``ineligibility(application, provider)`` says why one provider
may not be assigned the case (the assign service refuses them with it); ``needs_override`` says
whether an eligible provider outside the case's region needs the reviewer's written reason.

Eligibility (all must hold): the provider and their organisation are active; a lawyer, grassroots
worker or center staff (volunteers are not assigned); only lawyers in a criminal case or a notified
defence; for a possible life or death sentence or a death-penalty review (Art 26) a lawyer with at
least 3 years of practice and criminal defence among the specialties; for a minor a provider
experienced with minors; no conflict of interest (``_conflicts``); not one who declined the case,
was replaced on it or holds it now; serving the case's region, or any region when the case's
center allows cross-region assignment.

Ranking: a specialty in the matter type +30; fewer open aid cases, +20 less 4 per open case; for a
lawyer, further from this year's duty (§6) +10 per missing case, at most +20; serving the case's
region +15. Ties: fewer open cases, then the name, then the id.

The cost is a constant number of SQL statements whatever the number of providers and cases, at
most eight: the case's center and applicant (none when loaded), the conflict register, the other
cases that make a conflict, the candidates (filtered in SQL, with their organisation and whether
they have the specialty and serve the region), every provider's loads (one grouped query), the duty
rule of the year, and the specialties and regions of the providers returned (two prefetches). Names are compared without surrounding blanks (the ideographic space included)
and case, both sides folded by the database's ``LOWER`` (which folds only ASCII letters on SQLite).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from aid_cases.choices import Status
from aid_cases.means import MAJORITY_AGE, ApplicantCategory, age_on, birth_date_from_id
from aid_cases.models import Applicant, Application
from directory.choices import MatterCategory, MatterType, ProviderKind
from directory.models import Provider, ProviderSpecialty, practice_years

from .choices import LIVE_ASSIGNMENT_STATUSES, AssignmentStatus
from .models import Assignment, DutyRule, PartyConflict

__all__ = [
    "Recommendation",
    "ineligibility",
    "needs_override",
    "recommendations_for",
]

ASSIGNABLE_KINDS = (ProviderKind.LAWYER, ProviderKind.GRASSROOTS, ProviderKind.STAFF)
# Notified-defence grounds that need an experienced criminal-defence lawyer (Art 26).
ART26_GROUNDS = frozenset({"life_or_death", "death_review"})
ART26_MIN_YEARS = 3
MINOR_GROUND = "minor"
# A provider with one of these on the case is not offered it (again).
KEPT_OFF_CASE = (
    AssignmentStatus.DECLINED,
    AssignmentStatus.REPLACED,
    AssignmentStatus.OFFERED,
    AssignmentStatus.ACCEPTED,
)
# A live assignment on a case in one of these statuses is a load: every status but closed and
# terminated, listed so that the status index serves.
OPEN_CASE_STATUSES = tuple(s for s in Status.values if s not in (Status.CLOSED, Status.TERMINATED))
DEFAULT_LAWYER_MIN_CASES = 2  # §6, when no duty rule row exists for the year

SPECIALTY_POINTS = 30
OPEN_CASE_POINTS, OPEN_CASE_STEP = 20, 4
DUTY_POINTS_PER_CASE, DUTY_POINTS_CAP = 10, 20
REGION_POINTS = 15

# Names are compared without these around them (the ideographic space included) and in lower case.
_BLANKS = " \t\n\r\f\v\u3000"

# Conflict rules, in the order their sentences are given.
_REGISTER, _ACTED, _OPPOSED = "register", "acted", "opposed"


@dataclass(frozen=True)
class Recommendation:
    """One eligible provider with its score and the reasons shown to the reviewer."""

    provider: Provider
    score: int
    reasons: list[str]
    cross_region: bool
    open_cases: int
    year_cases: int


# --------------------------------------------------------------------------- the case


@dataclass(frozen=True)
class _CaseFacts:
    pk: int
    region_id: int
    allows_cross_region: bool
    matter_type: str
    lawyers_only: bool
    art26: bool
    minor: bool
    opposing_party: str  # without surrounding blanks: empty, no opposing party
    applicant_name: str


class _Strip(Func):
    """``TRIM(text, characters)`` on SQLite, ``BTRIM`` on PostgreSQL: Django's Trim knows only spaces."""

    function = "TRIM"
    arity = 2
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, function="BTRIM", **extra_context)


def _name_key_sql(path: str) -> Lower:
    """A name column as names are compared, in SQL."""
    return Lower(_Strip(F(path), Value(_BLANKS)))


def _name_key_value(text: str) -> Lower:
    """A given name as names are compared, folded by the database too: equal names always match,
    whatever letters the database's ``LOWER`` folds (only ASCII ones on SQLite)."""
    return Lower(_Strip(Value(text, output_field=CharField()), Value(_BLANKS)))


def _is_minor(application: Application, id_number: str, today: datetime.date) -> bool:
    """A minor by the notified grounds, the ticked group or the ID number's birth date (any of them)."""
    if MINOR_GROUND in (application.defence_grounds or []):
        return True
    if ApplicantCategory.MINOR in (application.categories or []):
        return True
    birth = birth_date_from_id(id_number)
    return birth is not None and birth <= today and age_on(birth, today) < MAJORITY_AGE


def _case_facts(application: Application, today: datetime.date) -> _CaseFacts:
    """What the rules need of the case; one query unless its center and applicant are loaded."""
    if Application.center.is_cached(application) and Application.applicant.is_cached(application):
        allows_cross_region = application.center.allows_cross_region
        applicant_name = application.applicant.name
        id_number = application.applicant.id_number
    else:
        allows_cross_region, applicant_name, id_number = (
            Application.objects.filter(pk=application.pk)
            .values_list("center__allows_cross_region", "applicant__name", "applicant__id_number")
            .get()
        )
    grounds = set(application.defence_grounds or [])
    return _CaseFacts(
        pk=application.pk,
        region_id=application.region_id,
        allows_cross_region=allows_cross_region,
        matter_type=application.matter_type,
        lawyers_only=application.matter_category == MatterCategory.CRIMINAL or bool(grounds),
        art26=bool(grounds & ART26_GROUNDS),
        minor=_is_minor(application, id_number, today),
        opposing_party=(application.opposing_party or "").strip(_BLANKS),
        applicant_name=(applicant_name or "").strip(_BLANKS),
    )


def _art26_start_bound(today: datetime.date) -> datetime.date:
    """The latest practice start with ``ART26_MIN_YEARS`` completed on ``today`` (29 February: the 28th)."""
    year = today.year - ART26_MIN_YEARS
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


# --------------------------------------------------------------------------- conflicts of interest


@dataclass
class _Conflicts:
    """Providers and organisations in conflict with the case, each with the first rule that says so."""

    providers: dict[int, str] = field(default_factory=dict)
    organisations: dict[int, str] = field(default_factory=dict)

    def add(self, rule: str, provider_id: int | None, *organisation_ids: int | None) -> None:
        if provider_id is not None:
            self.providers.setdefault(provider_id, rule)
        for organisation_id in organisation_ids:
            if organisation_id is not None:
                self.organisations.setdefault(organisation_id, rule)

    def rule_for(self, provider_id: int, organisation_id: int) -> str | None:
        return self.providers.get(provider_id) or self.organisations.get(organisation_id)


def _conflicts(
    facts: _CaseFacts, *, provider_id: int | None = None, organisation_id: int | None = None
) -> _Conflicts:
    """Who has a conflict of interest with the case (at most two queries, one row per holder).

    (register) a conflict-register row of the provider or their organisation names the opposing
    party; (acted) the provider, or their organisation (at the time or now), holds or held an
    assignment that was not declined on another case whose applicant is the opposing party;
    (opposed) likewise on another case whose opposing party is this case's applicant. An empty name
    never conflicts. With ``provider_id`` (and its ``organisation_id``) only that provider is looked at.
    """
    found = _Conflicts()
    if facts.opposing_party:
        register = PartyConflict.objects.alias(key=_name_key_sql("party_name")).filter(
            key=_name_key_value(facts.opposing_party)
        )
        if provider_id is not None:
            register = register.filter(Q(provider_id=provider_id) | Q(organisation_id=organisation_id))
        for holder_id, holder_organisation_id in register.order_by().values_list(
            "provider_id", "organisation_id"
        ):
            found.add(_REGISTER, holder_id, holder_organisation_id)

    # The other cases that make a conflict, found through their names first (one scan of the
    # applicants and one of the applications), then their assignments by the case's index.
    cases: list[QuerySet[Any, Any]] = []
    if facts.opposing_party:
        cases.append(
            Application.objects.filter(
                applicant_id__in=Applicant.objects.alias(key=_name_key_sql("name"))
                .filter(key=_name_key_value(facts.opposing_party))
                .order_by()
                .values("pk")
            )
            .order_by()
            .values("pk")
        )
    if facts.applicant_name:
        cases.append(
            Application.objects.alias(key=_name_key_sql("opposing_party"))
            .filter(key=_name_key_value(facts.applicant_name))
            .order_by()
            .values("pk")
        )
    if not cases:
        return found
    others = (
        Assignment.objects.filter(
            application_id__in=cases[0].union(*cases[1:], all=True) if len(cases) > 1 else cases[0]
        )
        .exclude(status=AssignmentStatus.DECLINED)
        .exclude(application_id=facts.pk)
    )
    if provider_id is not None:
        others = others.filter(
            Q(provider_id=provider_id)
            | Q(organisation_id=organisation_id)
            | Q(provider__organisation_id=organisation_id)
        )
    acted = (
        Case(
            When(applicant_key=_name_key_value(facts.opposing_party), then=Value(True)),
            default=Value(False),
        )
        if facts.opposing_party
        else Value(False)
    )
    rows = (
        others.alias(applicant_key=_name_key_sql("application__applicant__name"))
        .annotate(acted=acted)
        .order_by()
        .values_list("provider_id", "organisation_id", "provider__organisation_id", "acted")
        .distinct()
    )
    # Acting for the opposing party is named before the applicant's being opposed elsewhere.
    for holder_id, then_organisation_id, now_organisation_id, was_acting in sorted(
        rows, key=lambda row: not row[3]
    ):
        found.add(_ACTED if was_acting else _OPPOSED, holder_id, then_organisation_id, now_organisation_id)
    return found


def _conflict_sentence(rule: str, facts: _CaseFacts) -> str:
    if rule == _REGISTER:
        return _(
            "Conflict of interest: the provider or their organisation has registered a conflict "
            "with the opposing party %(party)s."
        ) % {"party": facts.opposing_party}
    if rule == _ACTED:
        return _(
            "Conflict of interest: the provider or their organisation acts or acted for the opposing "
            "party %(party)s in another aid case."
        ) % {"party": facts.opposing_party}
    return _(
        "Conflict of interest: the applicant %(name)s is an opposing party in another case of the "
        "provider or their organisation."
    ) % {"name": facts.applicant_name}


# --------------------------------------------------------------------------- loads and the duty


def _loads(today: datetime.date) -> dict[int, tuple[int, int]]:
    """Each provider's open aid cases and this year's counted cases: one grouped query.

    Open: a live (offered or accepted) assignment on a case neither closed nor terminated. Counted
    this year (§6): an assignment still accepted (not replaced) that was accepted this year.
    """
    open_cases = Application.objects.filter(status__in=OPEN_CASE_STATUSES).order_by().values("pk")
    rows = (
        Assignment.objects.filter(status__in=LIVE_ASSIGNMENT_STATUSES)
        .order_by()
        .values("provider_id")
        .annotate(
            open_cases=Count("pk", filter=Q(application_id__in=open_cases)),
            year_cases=Count(
                "pk",
                filter=Q(
                    status=AssignmentStatus.ACCEPTED,
                    accepted_on__gte=datetime.date(today.year, 1, 1),
                    accepted_on__lte=datetime.date(today.year, 12, 31),
                ),
            ),
        )
        .values_list("provider_id", "open_cases", "year_cases")
    )
    return {provider_id: (open_count, year_count) for provider_id, open_count, year_count in rows}


def _lawyer_min_cases(region_id: int, year: int) -> int:
    """The duty rule of the year: the region's own row, else the citywide row, else the default."""
    rows: dict[int | None, int] = dict(
        DutyRule.objects.filter(Q(region_id=region_id) | Q(region__isnull=True), year=year)
        .order_by()
        .values_list("region_id", "lawyer_min_cases")
    )
    for key in (region_id, None):
        if key in rows:
            return rows[key]
    return DEFAULT_LAWYER_MIN_CASES


def _matter_label(code: str) -> str:
    try:
        return str(MatterType(code).label)
    except ValueError:
        return code


def _rank(
    provider: Provider,
    facts: _CaseFacts,
    *,
    specialist: bool,
    open_cases: int,
    year_cases: int,
    lawyer_min_cases: int,
    serves_region: bool,
) -> Recommendation:
    score, reasons = 0, []
    if specialist:
        score += SPECIALTY_POINTS
        reasons.append(_("Specialises in %(matter)s") % {"matter": _matter_label(facts.matter_type)})
    score += max(0, OPEN_CASE_POINTS - OPEN_CASE_STEP * open_cases)
    reasons.append(_("%(count)s open aid cases") % {"count": open_cases})
    if provider.kind == ProviderKind.LAWYER:
        missing = max(0, lawyer_min_cases - year_cases)
        score += min(DUTY_POINTS_CAP, DUTY_POINTS_PER_CASE * missing)
        figures = {"done": year_cases, "min": lawyer_min_cases, "missing": missing}
        if missing:
            reasons.append(_("%(done)s of %(min)s aid cases this year: %(missing)s to go") % figures)
        else:
            reasons.append(_("%(done)s aid cases this year: the annual duty is met") % figures)
    if serves_region:
        score += REGION_POINTS
        reasons.append(_("Serves this region"))
    else:
        reasons.append(_("Cross-region"))
    return Recommendation(
        provider=provider,
        score=score,
        reasons=reasons,
        cross_region=not serves_region,
        open_cases=open_cases,
        year_cases=year_cases,
    )


# --------------------------------------------------------------------------- the interface


def recommendations_for(
    application: Application, *, today: datetime.date | None = None, limit: int | None = None
) -> list[Recommendation]:
    """Every eligible provider, best first (ties: fewer open cases, then name, then pk).

    With the case's center not allowing cross-region assignment, only providers serving its region.
    Each provider comes with its organisation, regions served and specialties loaded. ``limit``
    keeps the first ones only: the ranking is the same, and only they have their specialties and
    regions loaded (Django's prefetch costs about 0.1 ms per provider).
    """
    today = today or timezone.localdate()
    facts = _case_facts(application, today)
    conflicts = _conflicts(facts)

    candidates = Provider.objects.filter(
        active=True,
        organisation__active=True,
        kind__in=(ProviderKind.LAWYER,) if facts.lawyers_only else ASSIGNABLE_KINDS,
    ).exclude(
        pk__in=Assignment.objects.filter(application_id=facts.pk, status__in=KEPT_OFF_CASE).values(
            "provider_id"
        )
    )
    if conflicts.providers:
        candidates = candidates.exclude(pk__in=sorted(conflicts.providers))
    if conflicts.organisations:
        candidates = candidates.exclude(organisation_id__in=sorted(conflicts.organisations))
    if facts.minor:
        candidates = candidates.filter(minors_experienced=True)
    if facts.art26:
        candidates = candidates.filter(
            kind=ProviderKind.LAWYER,
            practice_start__lte=_art26_start_bound(today),
            pk__in=ProviderSpecialty.objects.filter(matter_type=MatterType.CRIMINAL_DEFENCE).values(
                "provider_id"
            ),
        )
    serving = Provider.regions_served.through.objects.filter(region_id=facts.region_id)
    if not facts.allows_cross_region:
        candidates = candidates.filter(pk__in=serving.values("provider_id"))
    candidates = (
        candidates.annotate(
            rec_specialist=Exists(
                ProviderSpecialty.objects.filter(provider_id=OuterRef("pk"), matter_type=facts.matter_type)
            ),
            rec_serves_region=Exists(serving.filter(provider_id=OuterRef("pk"))),
        )
        .select_related("organisation", "organisation__region")
        .order_by()
    )

    loads = _loads(today)
    lawyer_min_cases = _lawyer_min_cases(facts.region_id, today.year)
    ranked = []
    for provider in candidates:
        if facts.art26 and provider.practice_years_on(today) < ART26_MIN_YEARS:
            continue  # the SQL bound is exact; this keeps the rule's one definition the deciding one
        open_cases, year_cases = loads.get(provider.pk, (0, 0))
        ranked.append(
            _rank(
                provider,
                facts,
                specialist=provider.rec_specialist,
                open_cases=open_cases,
                year_cases=year_cases,
                lawyer_min_cases=lawyer_min_cases,
                serves_region=provider.rec_serves_region,
            )
        )
    ranked.sort(key=lambda r: (-r.score, r.open_cases, r.provider.name, r.provider.pk))
    if limit is not None:
        ranked = ranked[: max(0, limit)]
    prefetch_related_objects([r.provider for r in ranked], "specialties", "regions_served")
    return ranked


def ineligibility(
    application: Application, provider: Provider, *, today: datetime.date | None = None
) -> str | None:
    """Why ``provider`` may not be assigned this case (a translated sentence), or None when eligible.

    Reads the provider's current row, not the instance passed. Serving another region is no bar
    here: see ``needs_override``.
    """
    today = today or timezone.localdate()
    facts = _case_facts(application, today)

    def on_case(*statuses: str) -> Exists:
        return Exists(
            Assignment.objects.filter(
                application_id=facts.pk, provider_id=OuterRef("pk"), status__in=statuses
            )
        )

    row = (
        Provider.objects.filter(pk=provider.pk)
        .annotate(
            declined=on_case(AssignmentStatus.DECLINED),
            replaced=on_case(AssignmentStatus.REPLACED),
            holds=on_case(*LIVE_ASSIGNMENT_STATUSES),
            criminal_defence=Exists(
                ProviderSpecialty.objects.filter(
                    provider_id=OuterRef("pk"), matter_type=MatterType.CRIMINAL_DEFENCE
                )
            ),
        )
        .values(
            "active",
            "kind",
            "practice_start",
            "minors_experienced",
            "organisation_id",
            "organisation__active",
            "declined",
            "replaced",
            "holds",
            "criminal_defence",
        )
        .first()
    )
    if row is None:
        return _("There is no such provider.")
    if not row["active"]:
        return _("The provider is not active.")
    if not row["organisation__active"]:
        return _("The provider's organisation is not active.")
    if row["kind"] not in ASSIGNABLE_KINDS:
        return _("Volunteers are not assigned aid cases.")
    if row["declined"]:
        return _("The provider declined this case and is not offered it again.")
    if row["replaced"]:
        return _("The provider was replaced on this case.")
    if row["holds"]:
        return _("The provider already holds this case.")
    if facts.lawyers_only and row["kind"] != ProviderKind.LAWYER:
        return _("Only a lawyer may take a criminal case or a notified defence.")
    if facts.art26:
        years = practice_years(row["practice_start"], today) if row["practice_start"] else 0
        if years < ART26_MIN_YEARS:
            return _(
                "A possible life or death sentence or a death-penalty review needs a lawyer with at "
                "least %(min)s years of practice; this lawyer has %(years)s."
            ) % {"min": ART26_MIN_YEARS, "years": years}
        if not row["criminal_defence"]:
            return _(
                "A possible life or death sentence or a death-penalty review needs a lawyer with "
                "criminal defence among their specialties."
            )
    if facts.minor and not row["minors_experienced"]:
        return _("A minor's case needs a provider experienced with minors.")
    rule = _conflicts(facts, provider_id=provider.pk, organisation_id=row["organisation_id"]).rule_for(
        provider.pk, row["organisation_id"]
    )
    if rule is not None:
        return _conflict_sentence(rule, facts)
    return None


def needs_override(application: Application, provider: Provider) -> bool:
    """True when the provider serves another region and the case's center does not allow
    cross-region assignment: the reviewer must give a reason to assign them. Eligibility itself is
    ``ineligibility``'s question; this one is asked of an eligible provider."""
    if application.center.allows_cross_region:
        return False
    if "regions_served" in getattr(provider, "_prefetched_objects_cache", {}):
        return not any(r.pk == application.region_id for r in provider.regions_served.all())
    return not provider.regions_served.filter(pk=application.region_id).exists()
