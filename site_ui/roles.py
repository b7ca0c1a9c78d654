"""What each role's home page offers (DESIGN §1). UI text only; permissions live in selectors."""

from django.utils.translation import gettext_lazy as _

from directory.choices import APPLICANT_GROUP, Role

ROLE_DESCRIPTIONS = {
    APPLICANT_GROUP: _(
        "File a legal aid request online, add missing materials, follow its progress and receive the "
        "decision letters."
    ),
    Role.CLERK: _("Record requests from walk-in (window) and 12348 hotline applicants on their behalf."),
    Role.REVIEWER: _(
        "Review applications and the means test within the legal period, decide, assign providers, and "
        "review fee waivers, closures and service-hour logs."
    ),
    Role.DIRECTOR: _("Everything a reviewer does, plus deadline extensions and the center's statistics."),
    Role.PROVIDER: _(
        "Accept or decline assignments, record progress and hours, ask for fee waivers, file closing "
        "reports and log public-interest service hours."
    ),
    Role.FIRM_ADMIN: _("Follow every lawyer's annual pro-bono duty and export the annual inspection report."),
    Role.INSTITUTION_STAFF: _(
        "Receive fee-waiver handoffs addressed to your institution and record the fees charged, waived "
        "or deferred."
    ),
    Role.AGENCY_OFFICER: _("Notify the aid center of notified-defence cases and receive assignment letters."),
    Role.DETENTION_OFFICER: _("Forward detainees' legal aid applications to the aid center within 24 hours."),
    Role.BUREAU_OFFICER: _(
        "Decide objections against refusals and terminations; follow region-wide statistics and duty "
        "compliance."
    ),
    "administrator": _("Maintain the directory and the rule tables."),
}
