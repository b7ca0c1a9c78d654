"""The letters of an aid application (docs/architecture.md), built from the case and issued as documents.

Here, not in documents/ or aid_cases/: documents knows nothing of applications and aid_cases
nothing of PDFs; the workflow layer that issues a letter at a step knows both.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aid_cases import rules
from aid_cases.models import Application, Decision, Objection, SupplementRequest, Termination
from aid_cases.services import provisional_threshold
from directory.selectors import bureau_for_region
from documents.models import DocumentKind, IssuedDocument
from documents.pdf import chinese_date
from documents.services import document_issue

LETTER_LANGUAGE = "zh-hans"


def _issue(
    *,
    acting_user: AbstractBaseUser,
    application: Application,
    kind: str,
    title: str,
    paragraphs: Sequence[str],
    fields: Sequence[tuple[str, str]],
    base_url: str,
) -> IssuedDocument:
    return document_issue(
        acting_user=acting_user,
        kind=kind,
        issuer=application.center,
        subject_type=Application._meta.label_lower,
        subject_id=str(application.pk),
        title=title,
        number=application.tracking_no,
        paragraphs=paragraphs,
        fields=fields,
        base_url=base_url,
    )


def receipt_issue(
    *, acting_user: AbstractBaseUser, application: Application, base_url: str
) -> IssuedDocument:
    """受理回执: issued at once on filing, with the tracking number and the decision due date."""
    with translation.override(LETTER_LANGUAGE):
        due = chinese_date(application.decision_due) if application.decision_due else "—"
        paragraphs = [
            _("%(name)s: your application for legal aid was received on %(date)s.")
            % {"name": application.applicant.name, "date": chinese_date(application.received_on)},
            _(
                "The center will decide whether to grant legal aid by %(due)s. The time you take to supplement "
                "materials, if asked, does not count."
            )
            % {"due": due},
            _(
                "You can follow the progress online with the tracking number and the last four characters of "
                "your ID number."
            ),
        ]
        fields = [
            (_("Applicant"), application.applicant.name),
            (_("Tracking number"), application.tracking_no),
            (_("Matter"), str(application.get_matter_type_display())),
            (_("Channel"), str(application.get_channel_display())),
            (_("Received on"), chinese_date(application.received_on)),
            (_("Decision due"), due),
        ]
        title = _("Receipt of legal aid application")
    return _issue(
        acting_user=acting_user,
        application=application,
        kind=DocumentKind.RECEIPT,
        title=title,
        paragraphs=paragraphs,
        fields=fields,
        base_url=base_url,
    )


def _applicant_line(application: Application) -> str:
    return _("%(name)s (tracking number %(no)s)") % {
        "name": application.applicant.name,
        "no": application.tracking_no,
    }


def approval_issue(
    *, acting_user: AbstractBaseUser, application: Application, decision: Decision, base_url: str
) -> IssuedDocument:
    """给予法律援助决定书; a provisional approval says the review is still to be confirmed."""
    with translation.override(LETTER_LANGUAGE):
        paragraphs = [
            _(
                "Having reviewed the application of %(who)s, this center decides to grant legal aid under the "
                "Legal Aid Law of the People's Republic of China."
            )
            % {"who": _applicant_line(application)},
            _("The center will assign a legal aid provider within %(period)s and inform you.")
            % {"period": _assign_period(application)},
        ]
        if application.provisional:
            paragraphs.insert(
                1,
                _(
                    "Because a deadline is fewer than %(days)s days away, aid is provided first under Article 44; "
                    "the review of your eligibility continues, and aid ends if you are found not entitled to it."
                )
                % {"days": provisional_threshold(application, timezone.localdate(decision.decided_at))},
            )
        if decision.reason:
            paragraphs.append(_("Reasons: %(reason)s") % {"reason": decision.reason})
        fields = [
            (_("Applicant"), application.applicant.name),
            (_("Tracking number"), application.tracking_no),
            (_("Matter"), str(application.get_matter_type_display())),
        ]
        title = _("Decision to grant legal aid")
    return _issue(
        acting_user=acting_user,
        application=application,
        kind=DocumentKind.APPROVAL,
        title=title,
        paragraphs=paragraphs,
        fields=fields,
        base_url=base_url,
    )


def refusal_issue(
    *, acting_user: AbstractBaseUser, application: Application, decision: Decision, base_url: str
) -> IssuedDocument:
    """不予法律援助决定书: the reasons and the objection route (Art 49)."""
    with translation.override(LETTER_LANGUAGE):
        paragraphs = [
            _("Having reviewed the application of %(who)s, this center decides not to grant legal aid.")
            % {"who": _applicant_line(application)},
            _("Reasons: %(reason)s") % {"reason": decision.reason},
            _objection_route(application),
        ]
        fields = [
            (_("Applicant"), application.applicant.name),
            (_("Tracking number"), application.tracking_no),
        ]
        title = _("Decision to refuse legal aid")
    return _issue(
        acting_user=acting_user,
        application=application,
        kind=DocumentKind.REFUSAL,
        title=title,
        paragraphs=paragraphs,
        fields=fields,
        base_url=base_url,
    )


def supplement_notice_issue(
    *, acting_user: AbstractBaseUser, application: Application, request: SupplementRequest, base_url: str
) -> IssuedDocument:
    """补充材料一次性告知书: every missing item at once, and the consequence of not supplementing."""
    with translation.override(LETTER_LANGUAGE):
        items = [f"{n}. {item}" for n, item in enumerate(request.missing_items, start=1)]
        paragraphs = [
            _(
                "To review the application of %(who)s, this center needs the following materials. This notice "
                "lists every missing item at once:"
            )
            % {"who": _applicant_line(application)},
            *items,
            _(
                "Please supplement them by %(due)s. An application not supplemented in time is deemed withdrawn. "
                "The time you take to supplement does not count toward the review period."
            )
            % {"due": chinese_date(request.due_on)},
        ]
        fields = [
            (_("Applicant"), application.applicant.name),
            (_("Tracking number"), application.tracking_no),
            (_("Supplement due"), chinese_date(request.due_on)),
        ]
        title = _("One-time supplement notice")
    return _issue(
        acting_user=acting_user,
        application=application,
        kind=DocumentKind.SUPPLEMENT_NOTICE,
        title=title,
        paragraphs=paragraphs,
        fields=fields,
        base_url=base_url,
    )


def termination_issue(
    *, acting_user: AbstractBaseUser, application: Application, termination: Termination, base_url: str
) -> IssuedDocument:
    """终止法律援助决定书 (Art 48) with the objection route."""
    with translation.override(LETTER_LANGUAGE):
        paragraphs = [
            _("This center decides to terminate the legal aid provided to %(who)s.")
            % {"who": _applicant_line(application)},
            _("Ground: %(ground)s. Reasons: %(reason)s")
            % {"ground": termination.get_ground_display(), "reason": termination.reason},
            _objection_route(application),
        ]
        fields = [
            (_("Applicant"), application.applicant.name),
            (_("Tracking number"), application.tracking_no),
        ]
        title = _("Decision to terminate legal aid")
    return _issue(
        acting_user=acting_user,
        application=application,
        kind=DocumentKind.TERMINATION,
        title=title,
        paragraphs=paragraphs,
        fields=fields,
        base_url=base_url,
    )


def objection_decision_issue(
    *, acting_user: AbstractBaseUser, objection: Objection, base_url: str
) -> IssuedDocument:
    """异议审查决定书, issued by the bureau; an upheld decision states the further remedies (Art 49)."""
    application = objection.application
    with translation.override(LETTER_LANGUAGE):
        paragraphs = [
            _("On the objection of %(who)s against the %(target)s of %(center)s:")
            % {
                "who": _applicant_line(application),
                "target": objection.get_target_display(),
                "center": application.center.name,
            },
            _("Decision: %(outcome)s. Reasons: %(reason)s")
            % {"outcome": objection.get_outcome_display(), "reason": objection.decision_reason},
        ]
        if objection.outcome == "uphold":
            paragraphs.append(
                _(
                    "If you disagree with this decision, you may apply for administrative reconsideration or bring "
                    "an administrative lawsuit according to law (Legal Aid Law, Article 49)."
                )
            )
        else:
            paragraphs.append(_("The legal aid center is ordered to correct its decision."))
        fields = [
            (_("Applicant"), application.applicant.name),
            (_("Tracking number"), application.tracking_no),
        ]
        title = _("Decision on the objection")
    return document_issue(
        acting_user=acting_user,
        kind=DocumentKind.OBJECTION_DECISION,
        issuer=objection.bureau,
        subject_type=Application._meta.label_lower,
        subject_id=str(application.pk),
        title=title,
        number=application.tracking_no,
        paragraphs=paragraphs,
        fields=fields,
        base_url=base_url,
    )


def _assign_period(application: Application) -> str:
    """The assignment period of the rule in force today (the decision's day), e.g. "3个工作日"."""
    rule = rules.period_rule_in_force(application.region, timezone.localdate())
    return rules.period_text(rule.assign_days, rule.counting_mode)


def _objection_route(application: Application) -> str:
    """Where and how soon an objection to a refusal or a termination is decided (Art 49)."""
    return _(
        "If you disagree with this decision, you may object to the judicial bureau that established this "
        "center (%(bureau)s), online or in writing; the bureau decides within %(period)s "
        "(Legal Aid Law, Article 49)."
    ) % {
        "bureau": _bureau_name(application),
        "period": rules.objection_period_text(application.region, timezone.localdate()),
    }


def _bureau_name(application: Application) -> str:
    try:
        return bureau_for_region(application.region).name
    except ValidationError:  # a letter still goes out when the directory lacks the bureau
        return _("the judicial bureau")
