"""Enumerations of fee waivers; codes are the lower-case English codes of docs/api.md (Fee waivers)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from directory.choices import OrganisationKind


class WaiverKind(models.TextChoices):
    """What the fee is for; the institution must be of the same kind."""

    NOTARY = "notary", _("Notarisation fee")
    FORENSIC = "forensic", _("Forensic appraisal fee")
    COURT = "court", _("Litigation fee")  # Art 53: the court defers, reduces or waives it


# The kind of organisation each kind of waiver is addressed to.
INSTITUTION_KIND_FOR = {
    WaiverKind.NOTARY: OrganisationKind.NOTARY,
    WaiverKind.FORENSIC: OrganisationKind.FORENSIC,
    WaiverKind.COURT: OrganisationKind.COURT,
}
# Every organisation a fee waiver may be addressed to (the directory's ``/institutions/``).
WAIVER_INSTITUTION_KINDS = tuple(INSTITUTION_KIND_FOR.values())


class Treatment(models.TextChoices):
    WAIVE = "waive", _("Waive (免收)")
    REDUCE = "reduce", _("Reduce (减收)")
    DEFER = "defer", _("Defer (缓收)")


class WaiverStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("fee waiver status", "Awaiting the center's review")
    REFUSED = "refused", pgettext_lazy("fee waiver status", "Refused by the center")
    APPROVED = "approved", pgettext_lazy("fee waiver status", "Sent to the institution")
    COMPLETED = "completed", pgettext_lazy("fee waiver status", "Fee recorded")
    DEFERRED = "deferred", pgettext_lazy("fee waiver status", "Fee deferred")
    SETTLED = "settled", pgettext_lazy("fee waiver status", "Deferred fee settled")


# The institution has answered: its fee lines count in the statistics.
ANSWERED_STATUSES = (WaiverStatus.COMPLETED, WaiverStatus.DEFERRED, WaiverStatus.SETTLED)


class NotarisationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("notarisation status", "Awaiting verification")
    VERIFIED = "verified", pgettext_lazy("notarisation status", "Verified")
    REJECTED = "rejected", pgettext_lazy("notarisation status", "Rejected")
