"""What the site offers each role: its menu and its home page (docs/domain.md, who does what).

UI only: who may do something is decided by the services and selectors; this module only avoids
showing a person a link that would give them a 403 or an empty page. Every link is to a page that
exists today.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from assignments.services.service_logs import lawyer_of
from directory import selectors
from directory.choices import APPLICANT_GROUP, CENTER_STAFF_ROLES, DECIDING_ROLES, OrganisationKind, Role
from waivers.choices import WAIVER_INSTITUTION_KINDS

ADMINISTRATOR = "administrator"

# Roles that have a work list: applicants (supplements they are asked for), the center's staff
# (reviews; a clerk supplements the requests they recorded), bureau officers (objections) and
# providers (the cases offered to them, their closing reports).
TASK_ROLES = frozenset({APPLICANT_GROUP, *CENTER_STAFF_ROLES, Role.BUREAU_OFFICER, Role.PROVIDER})
# Providers handle cases: their own list of them.
CASE_HANDLING_ROLES = frozenset({Role.PROVIDER})
# A center's reviewers and directors watch its legal periods: the overdue tasks.
OVERSEEING_ROLES = frozenset(DECIDING_ROLES)
# A center's staff record window and hotline requests (a citizen applies online), and search the
# center's cases.
RECORDING_ROLES = frozenset(CENTER_STAFF_ROLES)


@dataclass(frozen=True)
class Link:
    url_name: str
    label: str | Promise
    icon: str = ""
    # Only for members of these kinds of organisation (empty: any). A role alone cannot tell a notary
    # office from a forensic institution, or a court from a police unit: their pages differ.
    kinds: frozenset[str] = frozenset()

    @property
    def url(self) -> str:
        return reverse(self.url_name)


APPLY = Link("apply", _("Apply for legal aid"), "edit_note")
RECORD = Link("apply", _("Record a request"), "edit_note")
MY_APPLICATIONS = Link("my_applications", _("My applications"), "folder_open")
TASKS = Link("task_list", _("Tasks"), "assignment")
CASES = Link("case_list", _("Cases"), "folder_shared")
MY_CASES = Link("my_cases", _("My cases"), "work")
OVERDUE = Link("overdue_tasks", _("Overdue tasks"), "alarm")
TRACK = Link("track", _("Progress query"), "travel_explore")
LOOKUP = Link("lookup", _("Legal service lookup"), "search")
VERIFY = Link("document_verify_form", _("Verify a document"), "verified")
NOTIFY = Link("notification_new", _("Notify a defence"), "campaign")
NOTIFICATIONS = Link("notification_list", _("Notified defences"), "gavel")
# A detainee's application forwarded by the unit holding them (Art 39): a detention center's officers, and
# the agency officers of a police unit, procuratorate or court holding a person; the centers' staff and
# the bureau follow the forwards and the late ones per unit.
FORWARD = Link("forwarded_new", _("Forward a detainee's application"), "forward_to_inbox")
FORWARDED = Link("forwarded_list", _("Forwarded applications"), "move_to_inbox")
WRITTEN_OBJECTION = Link("written_objection", _("Record a written objection"), "history_edu")
STATISTICS = Link("statistics", _("Statistics"), "insights")
DUTY_LAWYER = Link("duty_lawyer_new", _("Record a duty-lawyer day"), "event_available")
MY_SUBSIDIES = Link("my_subsidies", _("Subsidies"), "payments")
CENTER_SUBSIDIES = Link("center_subsidies", _("Subsidies"), "payments")
# Fee waivers (Art 53): the notary offices, forensic institutions and courts answer them in their inbox.
WAIVER_INBOX = Link("waiver_inbox", _("Fee waivers"), "request_quote", frozenset(WAIVER_INSTITUTION_KINDS))
NOTARISATIONS = Link(
    "notarisations", _("Public-interest notarisations"), "approval", frozenset({OrganisationKind.NOTARY})
)
# the bureau verifies the notarisations of the offices of its regions, whatever its own kind
VERIFY_NOTARISATIONS = Link("notarisations", _("Public-interest notarisations"), "approval")
PUBLIC_INTEREST = Link(
    "public_interest_new",
    _("File public-interest litigation"),
    "eco",
    frozenset({OrganisationKind.PROCURATORATE}),
)
# A lawyer at a law firm logs public-interest service toward the annual duty (``request_is_lawyer``).
MY_SERVICE_LOGS = Link("my_service_logs", _("Public-interest service"), "volunteer_activism")
# The annual duty (2 aid cases or 50 hours a year): the lawyer's own year (``request_is_lawyer``), the
# firm administrator's dashboard of the firm's lawyers, the bureau's view across its firms and notaries.
MY_DUTY = Link("my_duty", _("My annual duty"), "task_alt")
DUTY_FIRM = Link("duty_firm", _("Annual duty"), "fact_check")
DUTY_OVERVIEW = Link("duty_overview", _("Annual duty"), "fact_check")
# Complaints (Order No. 149): a citizen files and follows their own; the centers' staff, the providers
# and the bureau see those they handle or that concern them (the list has "record a complaint" for staff).
COMPLAINT_NEW = Link("complaint_new", _("File a complaint"), "report")
MY_COMPLAINTS = Link("complaint_list", _("My complaints"), "feedback")
COMPLAINTS = Link("complaint_list", _("Complaints"), "feedback")
# Quality supervision (Arts 57, 59): the director's page (sampling, scorecards, follow-up rates), the
# provider's own grades, the bureau's view across centers.
QUALITY = Link("quality_home", _("Quality supervision"), "fact_check")
MY_GRADES = Link("my_grades", _("My peer review grades"), "grading")
QUALITY_CENTERS = Link("quality_centers", _("Quality supervision across centers"), "fact_check")
FOLLOW_UPS = Link("quality_follow_ups", _("Follow-up calls"), "phone_in_talk")
# Collaboration letters between centers (协作函): a center's staff follow the letters it sent and received.
COLLABORATION = Link("collaboration_list", _("Collaboration letters"), "handshake")
# Consultations (Art 23): a citizen asks online and reads the answers; a center's staff keep its log (with
# the reply rate) and record hotline, window and station consultations; the bureau follows its region's.
CONSULT = Link("consultation_list", _("Online legal consultation"), "forum")
CONSULTATIONS = Link("consultation_list", _("Consultations"), "forum")
CONSULTATION_RECORD = Link("consultation_record", _("Record a consultation"), "support_agent")
# A court's or procuratorate's officer answers the center's requests for its view in the task list.
AGENCY_TASKS = Link(
    "task_list", _("Tasks"), "assignment", frozenset({OrganisationKind.COURT, OrganisationKind.PROCURATORATE})
)
ADMIN = Link("admin:index", _("Administration"), "settings")
HOME = Link("home", _("Home"), "home")

ROLE_LABELS = {APPLICANT_GROUP: _("Applicant"), ADMINISTRATOR: _("Administrator")}

# Each role's card on the home page: what it can do here today, and its links.
ROLE_DESCRIPTIONS = {
    APPLICANT_GROUP: _(
        "Apply for legal aid online, add the materials the center asks for, follow your application's "
        "progress and read the decision letters. Complain about a center, its staff or your lawyer, and "
        "read the reply."
    ),
    Role.CLERK: _(
        "Record requests from walk-in (window) and 12348 hotline applicants on their behalf, add the "
        "materials the reviewer asks for, and search the center's cases."
    ),
    Role.REVIEWER: _(
        "Review applications and the means test within the legal period: grant or refuse legal aid, "
        "ask for missing materials, and confirm reviews after provisional aid. Assign granted cases to "
        "providers, replace a provider when needed and review closing reports. You can also search the "
        "center's cases, see its overdue tasks and record window and hotline requests. Make the follow-up "
        "calls to recipients, score the closed files sampled for peer review, and record hearing "
        "observations."
    ),
    Role.DIRECTOR: _(
        "Review applications, assign cases and review closing reports within the legal periods, as "
        "reviewers do, and watch the center's overdue tasks. Sample closed files for peer review, follow "
        "the grades and the follow-up rates, and accept and decide the complaints about the center's "
        "providers and staff. You can also search the center's cases and record window and hotline "
        "requests."
    ),
    Role.BUREAU_OFFICER: _(
        "Decide objections against the legal aid center's refusals and terminations (Art 49), verify the "
        "public-interest notarisations the notary offices of your regions log, and see the statistics of "
        "your region and the regions under it. Follow the annual public-interest duty of the law firms and "
        "notary offices of your regions, and exempt a lawyer from a year's duty with the reason. Handle the "
        "complaints about the legal aid centers and follow the quality of the aid across them."
    ),
    Role.PROVIDER: _(
        "Accept or decline the cases the legal aid center offers you, record your progress and hours, "
        "upload the closing file and file the closing report. On the case page, ask for notarisation, "
        "appraisal or litigation fees to be waived, reduced or deferred. You can also see your "
        "organisation's record and your entry in the public legal service lookup. A lawyer at a law firm "
        "logs public-interest service and follows the year's annual duty: 2 aid cases or 50 hours. See "
        "your peer review grades and the complaints about your work."
    ),
    Role.FIRM_ADMIN: _(
        "See your firm's record, its members and its lawyers, and the annual public-interest duty of each "
        "lawyer: who has met it, who is missing what, the firm's compliance rate, and the files for the "
        "annual inspection to download."
    ),
    Role.INSTITUTION_STAFF: _(
        "Answer the fee waivers the legal aid center sends your institution with its handoff letter: "
        "record the fee charged, waived or deferred, and follow the year's totals. A notary office also "
        "logs its public-interest notarisations for the judicial bureau to verify. You can also see your "
        "institution's record and its members."
    ),
    Role.AGENCY_OFFICER: _(
        "Notify the legal aid center of a suspect or defendant who must be defended (notified defence), "
        "follow each notice until a lawyer is assigned and read the assignment notice. A procuratorate "
        "files its environmental public-interest litigation here, its appraisal fee deferred until the "
        "judgment; a court answers the litigation-fee waivers the center sends it, and gives its view on "
        "a case when the center asks. A unit holding a person in custody forwards their application for "
        "legal aid within 24 hours (Art 39). You can also check that a letter from the center is genuine "
        "with its verification code."
    ),
    Role.DETENTION_OFFICER: _(
        "Forward a detainee's application for legal aid to the legal aid center within 24 hours of receiving "
        "it (Art 39), follow each forward until the center decides, and see how many of your unit's forwards "
        "were late. You can also check that a letter from the legal aid center is genuine with its "
        "verification code, and follow an application by its tracking number."
    ),
    ADMINISTRATOR: _("Maintain the directory and the rule tables."),
}

# Said once, plainly, where a role's main work is not on the site yet.
ROLE_NOT_YET: dict[str, Promise] = {}

ROLE_LINKS: dict[str, tuple[Link, ...]] = {
    APPLICANT_GROUP: (APPLY, MY_APPLICATIONS, TASKS, MY_COMPLAINTS, COMPLAINT_NEW, CONSULT),
    Role.CLERK: (
        RECORD,
        TASKS,
        CASES,
        WRITTEN_OBJECTION,
        COMPLAINTS,
        FOLLOW_UPS,
        STATISTICS,
        COLLABORATION,
        CONSULTATIONS,
        CONSULTATION_RECORD,
    ),
    Role.REVIEWER: (
        TASKS,
        CASES,
        COLLABORATION,
        OVERDUE,
        RECORD,
        STATISTICS,
        DUTY_LAWYER,
        CENTER_SUBSIDIES,
        COMPLAINTS,
        QUALITY,
        FOLLOW_UPS,
        FORWARDED,
        CONSULTATIONS,
        CONSULTATION_RECORD,
    ),
    Role.DIRECTOR: (
        TASKS,
        OVERDUE,
        CASES,
        COLLABORATION,
        RECORD,
        STATISTICS,
        DUTY_LAWYER,
        CENTER_SUBSIDIES,
        QUALITY,
        FOLLOW_UPS,
        COMPLAINTS,
        FORWARDED,
        CONSULTATIONS,
        CONSULTATION_RECORD,
    ),
    Role.PROVIDER: (MY_CASES, TASKS, MY_SUBSIDIES, MY_GRADES, COMPLAINTS),
    Role.FIRM_ADMIN: (DUTY_FIRM, MY_SUBSIDIES, MY_GRADES),
    Role.INSTITUTION_STAFF: (WAIVER_INBOX, NOTARISATIONS),
    Role.BUREAU_OFFICER: (
        TASKS,
        WRITTEN_OBJECTION,
        VERIFY_NOTARISATIONS,
        STATISTICS,
        DUTY_OVERVIEW,
        COMPLAINTS,
        FOLLOW_UPS,
        QUALITY_CENTERS,
        FORWARDED,
        CONSULTATIONS,
    ),
    Role.AGENCY_OFFICER: (
        NOTIFY,
        NOTIFICATIONS,
        FORWARD,
        AGENCY_TASKS,
        PUBLIC_INTEREST,
        WAIVER_INBOX,
        VERIFY,
        TRACK,
    ),
    Role.DETENTION_OFFICER: (FORWARD, FORWARDED, VERIFY, TRACK),
    ADMINISTRATOR: (ADMIN,),
}


def request_roles(request) -> list[str]:
    """The signed-in user's role codes, read once per request (the menu and the home page share them)."""
    roles = getattr(request, "_site_roles", None)
    if roles is None:
        roles = selectors.user_roles(request.user)
        request._site_roles = roles
    return roles


def request_is_lawyer(request) -> bool:
    """Whether the signed-in user is an active lawyer at a law firm, read once per request and only for
    providers: the public-interest service page is a lawyer's own (404 for anyone else)."""
    is_lawyer = getattr(request, "_site_is_lawyer", None)
    if is_lawyer is None:
        is_lawyer = Role.PROVIDER in request_roles(request) and lawyer_of(request.user) is not None
        request._site_is_lawyer = is_lawyer
    return is_lawyer


# The roles whose links depend on the kind of their organisation (``Link.kinds``).
KIND_ROLES = frozenset({Role.INSTITUTION_STAFF, Role.AGENCY_OFFICER})


def request_role_kinds(request) -> dict[str, set[str]]:
    """The kinds of organisation where the signed-in user holds each role, read once per request (one
    query, only for the roles whose links depend on it)."""
    kinds = getattr(request, "_site_role_kinds", None)
    if kinds is None:
        kinds = {}
        if set(request_roles(request)) & KIND_ROLES:
            for role, kind in selectors.user_memberships(request.user).values_list(
                "role", "organisation__kind"
            ):
                kinds.setdefault(role, set()).add(kind)
        request._site_role_kinds = kinds
    return kinds


def _fits(link: Link, kinds: set[str]) -> bool:
    return not link.kinds or bool(link.kinds & kinds)


def _item(link: Link, path: str) -> dict | None:
    try:
        url = link.url
    except NoReverseMatch:  # a page another part of the site has not added (yet)
        return None
    current = path == url or (url != "/" and path.startswith(url))
    return {"url": url, "label": link.label, "icon": link.icon, "current": current}


def menu(request) -> list[dict]:
    """The navigation menu's entries for this request's user, in order."""
    links: list[Link] = [HOME]
    if request.user.is_authenticated:
        roles = set(request_roles(request))
        if APPLICANT_GROUP in roles:
            links += [APPLY, MY_APPLICATIONS, CONSULT]
        elif roles & RECORDING_ROLES:
            links.append(RECORD)
        if roles & CASE_HANDLING_ROLES:
            links.append(MY_CASES)
        if roles & TASK_ROLES:
            links.append(TASKS)
        if roles & RECORDING_ROLES:
            links.append(CASES)
        if roles & OVERSEEING_ROLES:
            links += [OVERDUE, CENTER_SUBSIDIES]
        elif roles & (CASE_HANDLING_ROLES | {Role.FIRM_ADMIN}):
            links.append(MY_SUBSIDIES)
        if request_is_lawyer(request):
            links += [MY_SERVICE_LOGS, MY_DUTY]
        if Role.FIRM_ADMIN in roles:
            links.append(DUTY_FIRM)
        if roles & {Role.CLERK, Role.BUREAU_OFFICER}:
            links.append(WRITTEN_OBJECTION)
        if roles & RECORDING_ROLES:
            links.append(COLLABORATION)
        if roles & {*RECORDING_ROLES, Role.BUREAU_OFFICER}:
            links.append(CONSULTATIONS)
        if roles & {*RECORDING_ROLES, Role.BUREAU_OFFICER}:
            links.append(STATISTICS)
        if Role.AGENCY_OFFICER in roles:
            links += [NOTIFY, NOTIFICATIONS]
        if roles & {Role.AGENCY_OFFICER, Role.DETENTION_OFFICER}:
            links.append(FORWARD)
        if Role.DETENTION_OFFICER in roles:
            links.append(FORWARDED)
        if roles & KIND_ROLES:
            by_role = request_role_kinds(request)
            staff = by_role.get(Role.INSTITUTION_STAFF, set())
            officer = by_role.get(Role.AGENCY_OFFICER, set())
            if _fits(WAIVER_INBOX, staff | officer):  # a court answers litigation fees, a police unit none
                links.append(WAIVER_INBOX)
            if _fits(NOTARISATIONS, staff):
                links.append(NOTARISATIONS)
            if _fits(PUBLIC_INTEREST, officer):
                links.append(PUBLIC_INTEREST)
        if Role.BUREAU_OFFICER in roles and NOTARISATIONS not in links:
            links.append(VERIFY_NOTARISATIONS)
        if Role.BUREAU_OFFICER in roles:
            links.append(DUTY_OVERVIEW)
    else:
        links.append(APPLY)  # asks to log in (or register) first
    links += [TRACK, LOOKUP, VERIFY]
    if request.user.is_authenticated and request.user.is_staff:
        links.append(ADMIN)
    items = [item for item in (_item(link, request.path) for link in links) if item is not None]
    # one current entry: the most specific (/cases/overdue/ is not also /cases/)
    current = [item for item in items if item["current"]]
    if len(current) > 1:
        chosen = max(current, key=lambda item: len(item["url"]))
        for item in current:
            item["current"] = item is chosen
    return items


def home_cards(request) -> list[dict]:
    """One card per role of the signed-in user: what it does here and its links."""
    memberships = list(selectors.user_memberships(request.user))
    labels = dict(Role.choices) | ROLE_LABELS
    cards = []
    for role in request_roles(request):
        kinds = {m.organisation.kind for m in memberships if m.role == role}
        role_links = [link for link in ROLE_LINKS.get(role, ()) if _fits(link, kinds)]
        if role == Role.PROVIDER and request_is_lawyer(request):
            role_links += [MY_SERVICE_LOGS, MY_DUTY]
        links = (_item(link, "") for link in role_links)
        cards.append(
            {
                "role": role,
                "label": labels.get(role, role),
                "description": ROLE_DESCRIPTIONS.get(role, ""),
                "not_yet": ROLE_NOT_YET.get(role, ""),
                "links": [link for link in links if link is not None],
                "organisations": [m.organisation for m in memberships if m.role == role],
            }
        )
    return cards
