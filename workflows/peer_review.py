"""Orchestration of peer review (同行评估/案卷评查, Arts 57, 59): a sampling run with one process per file,
and the correction notice (整改通知书) of a failed file to the provider and their firm.

Here, in the workflow layer: the sampling is the quality services', the process viewflow's, the letter
the documents'; this module puts them together, all or nothing.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.errors import Conflict
from core.transactions import all_or_nothing
from directory.choices import Role
from directory.models import Membership, Organisation
from documents.models import DocumentKind, IssuedDocument
from documents.pdf import chinese_date
from documents.services import document_issue
from quality.choices import Grade
from quality.models import PeerReview, Sampling
from quality.scorecard import items_to_correct, points_text
from quality.services import peer_review as services

from .letters import LETTER_LANGUAGE

logger = logging.getLogger(__name__)

# Without a sampling rule in force, the correction notice gives this many days.
DEFAULT_CORRECTION_DAYS = 30


def sampling_submit(
    *,
    acting_user: AbstractBaseUser,
    center: Organisation,
    period_from: Any,
    period_to: Any,
    share: Any = None,
    count: Any = None,
    seed: Any,
) -> Sampling:
    """Sample the center's closed files and start a ``peer_review`` process for each, all or nothing:
    a refused run (400, 403, 409) leaves no sampling and no task behind. ``sampling.picked`` holds the
    reviews by case id.

    Two runs at the same moment that draw the same file: the file's review is unique, so one run is
    stored and the other gets 409.
    """
    # imported here: the flow module imports this one for the correction notice
    from .flows.peer_review import PeerReviewFlow

    try:
        with all_or_nothing():
            sampling = services.sampling_run(
                acting_user=acting_user,
                center=center,
                period_from=period_from,
                period_to=period_to,
                share=share,
                count=count,
                seed=seed,
            )
            for application_id in sorted(sampling.picked):  # type: ignore[attr-defined]
                PeerReviewFlow.start.run(review=sampling.picked[application_id])  # type: ignore[attr-defined]
    except IntegrityError as exc:
        raise Conflict(
            _("Some of these files were sampled by another run at the same moment. Please try again.")
        ) from exc
    return sampling


def _correction_days(review: PeerReview) -> int:
    rule = review.sampling.rule if review.sampling.rule_id else None
    return rule.correction_days if rule is not None else DEFAULT_CORRECTION_DAYS


def correction_notice_issue(
    *, acting_user: AbstractBaseUser, review: PeerReview, base_url: str
) -> IssuedDocument:
    """整改通知书: the center tells the provider (and, through the copy, their firm) that the file of a
    case they handled failed peer review, names the items that fell short and the period to correct
    them. Issued by the case's center; about the review, not the case, so the recipient of the aid
    never finds it among the case's letters."""
    application = review.application
    provider = review.provider
    items = services.scorecard_items(review)
    scores = {code: points for code, points in review.scores.items()}
    short = items_to_correct({code: Decimal(str(points)) for code, points in scores.items()}, items)
    with translation.override(LETTER_LANGUAGE):
        provider_name = provider.name if provider else _("the provider")
        organisation = provider.organisation.name if provider else "—"
        paragraphs = [
            _("To %(provider)s (%(organisation)s):")
            % {"provider": provider_name, "organisation": organisation},
            _(
                "In the peer review of closed legal aid files sampled by this center on %(day)s, the file of "
                "case %(no)s (%(matter)s), which you handled, scored %(total)s of 100 points and was graded "
                "%(grade)s."
            )
            % {
                "day": chinese_date(timezone.localdate(review.sampling.run_at)),
                "no": application.tracking_no,
                "matter": application.get_matter_type_display(),
                "total": points_text(review.total),
                "grade": Grade(review.grade).label,
            },
            _("The following items fell short:"),
            *[
                _("%(n)s. %(item)s: %(points)s of %(max)s points.")
                % {
                    "n": n,
                    "item": item.label,
                    "points": scores.get(item.code, "0"),
                    "max": points_text(item.max_points),
                }
                for n, item in enumerate(short, start=1)
            ],
        ]
        if review.comment:
            paragraphs.append(_("The reviewer's comments: %(comment)s") % {"comment": review.comment})
        paragraphs.append(
            _(
                "Under Articles 57 and 59 of the Legal Aid Law of the People's Republic of China, please correct "
                "the shortcomings named above within %(days)s days of receiving this notice and report the "
                "correction to this center in writing. A copy of this notice goes to %(organisation)s."
            )
            % {"days": _correction_days(review), "organisation": organisation}
        )
        fields = [
            (_("Provider"), provider_name),
            (_("Organisation"), organisation),
            (_("Tracking number"), application.tracking_no),
            (_("Matter"), str(application.get_matter_type_display())),
            (_("Total"), points_text(review.total)),
            (pgettext("peer review", "Grade"), str(Grade(review.grade).label)),
        ]
        title = _("Correction notice")
    return document_issue(
        acting_user=acting_user,
        kind=DocumentKind.CORRECTION_NOTICE,
        issuer=review.center,
        subject_type=PeerReview._meta.label_lower,
        subject_id=str(review.pk),
        title=title,
        number=application.tracking_no,
        paragraphs=paragraphs,
        fields=fields,
        base_url=base_url,
    )


def correction_notice_send(
    *, acting_user: AbstractBaseUser, review: PeerReview, base_url: str
) -> IssuedDocument:
    """Issue the correction notice of a failed file, link it to the review, and tell the provider and
    their firm's administrators by email once the step has committed."""
    review = PeerReview.objects.select_related(
        "application",
        "center",
        "sampling",
        "sampling__rule",
        "provider",
        "provider__organisation",
        "provider__user",
    ).get(pk=review.pk)
    letter = correction_notice_issue(acting_user=acting_user, review=review, base_url=base_url)
    services.correction_letter_record(review=review, letter=letter)
    recipients = correction_notice_recipients(review)
    if recipients:
        transaction.on_commit(lambda: _notify(review, letter, recipients))
    return letter


def correction_notice_recipients(review: PeerReview) -> list[str]:
    """The provider's email and those of their firm's administrators."""
    addresses = []
    if review.provider is not None:
        if review.provider.user is not None and review.provider.user.email:
            addresses.append(review.provider.user.email)
        addresses.extend(
            Membership.objects.filter(
                organisation_id=review.provider.organisation_id, role=Role.FIRM_ADMIN, active=True
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
            .order_by("user__email")
        )
    return list(dict.fromkeys(addresses))


def _notify(review: PeerReview, letter: IssuedDocument, recipients: list[str]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Correction notice: the file of case %(no)s failed peer review") % {
            "no": review.application.tracking_no
        }
        body = "\n\n".join(
            [
                _(
                    "The file of case %(no)s, handled by %(provider)s, was graded %(grade)s (%(total)s points) in "
                    "the peer review of closed files of %(center)s. A correction notice has been issued."
                )
                % {
                    "no": review.application.tracking_no,
                    "provider": review.provider.name if review.provider else "—",
                    "grade": Grade(review.grade).label,
                    "total": points_text(review.total),
                    "center": review.center.name,
                },
                _(
                    "Read it in the legal aid system (My grades), or check it with its verification code %(code)s at %(url)s."
                )
                % {"code": letter.display_code, "url": letter.content.get("verify_url", "")},
                str(settings.SITE_TITLE),
            ]
        )
    try:
        send_mail(subject, body, None, recipients, fail_silently=False)
    except Exception:  # SMTP down: the notice stands, and the provider reads it on their grades page
        logger.exception("correction notice %s: the email could not be sent", letter.pk)
