"""The letters of an aid application (docs/architecture.md), built from the case and issued as documents.

Here, not in documents/ or aid_cases/: documents knows nothing of applications and aid_cases
nothing of PDFs; the workflow layer that issues a letter at a step knows both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aid_cases import checklist_rules, rules
from aid_cases.choices import ObjectionOutcome, ObjectionTarget, ProvisionalGround
from aid_cases.models import Application, Decision, Objection, SupplementRequest, Termination
from aid_cases.services import further_remedy, provisional_threshold
from directory.selectors import bureau_for_region
from documents.models import DocumentKind, IssuedDocument
from documents.pdf import chinese_date
from documents.services import document_issue
from waivers.choices import Treatment, WaiverKind

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
        # the materials checklist (申请材料清单) of the case, as the rows in force on receipt say
        materials = checklist_rules.application_checklist(application)
        if materials:
            paragraphs.append(_("Please bring or upload the following materials:"))
            paragraphs += [
                f"{n}. "
                + (item.label if item.required else _("%(label)s (if you have it)") % {"label": item.label})
                for n, item in enumerate(materials, start=1)
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


def transfer_letter_issue(
    *, acting_user: AbstractBaseUser, application: Application, transfer: Any, base_url: str
) -> IssuedDocument:
    """法律援助申请转交函 (Art 38): the center that received the application passes it on to the
    competent center, with the reason; issued by the transferring center on the case, so the applicant
    reads it among the case's documents. The tracking number and the first receipt stay."""
    with translation.override(LETTER_LANGUAGE):
        received = chinese_date(application.received_on)
        paragraphs = [
            _("To %(center)s:") % {"center": transfer.to_center.name},
            _(
                "On %(date)s this center received the application for legal aid of %(who)s (%(matter)s). "
                "Under Article 38 of the Legal Aid Law of the People's Republic of China, an application is "
                "handled by the legal aid center where the handling agency sits or where the dispute arose; "
                "this center transfers the application and its materials to you."
            )
            % {
                "date": received,
                "who": _applicant_line(application),
                "matter": application.get_matter_type_display(),
            },
            _("Reasons: %(reason)s") % {"reason": transfer.reason},
        ]
        due = chinese_date(transfer.decision_due) if transfer.decision_due else "—"
        if transfer.decision_due and transfer.review_restarted:
            paragraphs.append(
                _(
                    "The review period starts again on the day of this transfer: the decision is due by "
                    "%(due)s."
                )
                % {"due": due}
            )
        elif transfer.decision_due:
            paragraphs.append(
                _(
                    "The review period runs from the first receipt on %(date)s: the decision is due by "
                    "%(due)s."
                )
                % {"date": received, "due": due}
            )
        paragraphs.append(
            _(
                "The applicant keeps the tracking number %(no)s and can follow the progress online with it "
                "and the last four characters of their ID number."
            )
            % {"no": application.tracking_no}
        )
        fields = [
            (_("Applicant"), application.applicant.name),
            (_("Tracking number"), application.tracking_no),
            (_("Matter"), str(application.get_matter_type_display())),
            (_("Transferred by"), transfer.from_center.name),
            (_("Transferred to"), transfer.to_center.name),
            (_("First received on"), received),
            (_("Decision due"), due),
        ]
        title = _("Letter transferring a legal aid application")
    return document_issue(
        acting_user=acting_user,
        kind=DocumentKind.TRANSFER_LETTER,
        issuer=transfer.from_center,
        subject_type=Application._meta.label_lower,
        subject_id=str(application.pk),
        title=title,
        number=application.tracking_no,
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
    """给予法律援助决定书 (provisional aid has its own letter: ``provisional_notice_issue``)."""
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


def provisional_notice_issue(
    *, acting_user: AbstractBaseUser, application: Application, decision: Decision, base_url: str
) -> IssuedDocument:
    """先行提供法律援助决定书 (Art 44): aid first, on the ground named; the review continues, and the
    受援人 completes the formalities and materials (Art 44 para 2). Not a finding of eligibility."""
    with translation.override(LETTER_LANGUAGE):
        paragraphs = [
            _(
                "On the application of %(who)s, this center decides to provide legal aid first under Article 44 "
                "of the Legal Aid Law of the People's Republic of China."
            )
            % {"who": _applicant_line(application)},
            _("Ground: %(ground)s.") % {"ground": _provisional_ground_text(application, decision)},
            _(
                "As the recipient of legal aid, you shall promptly complete the relevant formalities and supplement "
                "the relevant materials (Legal Aid Law, Article 44, paragraph 2). The review of your application "
                "continues; if you are found not to meet the conditions, the legal aid ends."
            ),
            _("The center will assign a legal aid provider within %(period)s and inform you.")
            % {"period": _assign_period(application)},
        ]
        if decision.reason:
            paragraphs.append(_("Reasons: %(reason)s") % {"reason": decision.reason})
        fields = [
            (_("Recipient"), application.applicant.name),
            (_("Tracking number"), application.tracking_no),
            (_("Matter"), str(application.get_matter_type_display())),
        ]
        title = _("Decision to provide legal aid first")
    return _issue(
        acting_user=acting_user,
        application=application,
        kind=DocumentKind.PROVISIONAL_NOTICE,
        title=title,
        paragraphs=paragraphs,
        fields=fields,
        base_url=base_url,
    )


def _provisional_ground_text(application: Application, decision: Decision) -> str:
    """The Art 44 ground in the statute's words; a close deadline with the threshold of the day."""
    if decision.provisional_ground == ProvisionalGround.PRESERVATION:
        return _(
            "property preservation, evidence preservation or advance execution must be applied for at once "
            "(Article 44, item 2)"
        )
    if decision.provisional_ground == ProvisionalGround.OTHER_LAW:
        return _("other circumstances provided by laws, regulations or rules (Article 44, item 3)")
    return _(
        "fewer than %(days)s days remain before a statutory limitation period or time limit expires "
        "(Article 44, item 1)"
    ) % {"days": provisional_threshold(application, timezone.localdate(decision.decided_at))}


def refusal_issue(
    *, acting_user: AbstractBaseUser, application: Application, decision: Decision, base_url: str
) -> IssuedDocument:
    """不予法律援助决定书: the reasons and the objection route (Art 49)."""
    with translation.override(LETTER_LANGUAGE):
        paragraphs = [
            _("Having reviewed the application of %(who)s, this center decides not to grant legal aid.")
            % {"who": _applicant_line(application)},
            _("Reasons: %(reason)s") % {"reason": decision.reason},
            _objection_route(application, person=_person(granted=False)),
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
            _objection_route(application, person=_person(granted=True)),
        ]
        fields = [
            (pgettext("letter person", "Aid recipient"), application.applicant.name),
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
    # A termination's objector had been granted aid (受援人); a refusal's is still an applicant (Art 49).
    granted = objection.target == ObjectionTarget.TERMINATION
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
        if objection.outcome == ObjectionOutcome.UPHOLD:
            paragraphs.append(further_remedy(objection, person=_person(granted=granted)))
        else:
            paragraphs.append(_("The legal aid center is ordered to correct its decision."))
        fields = [
            (_person_label(granted=granted), application.applicant.name),
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


def assignment_letter_issue(
    *, acting_user: AbstractBaseUser, application: Application, assignment: Any, base_url: str
) -> IssuedDocument:
    """指派通知书: the center assigns the accepted provider; for the firm, the recipient and, for a
    notified defence, the notifying agency (Arts 36, 43)."""
    provider = assignment.provider
    with translation.override(LETTER_LANGUAGE):
        paragraphs = [
            _(
                "Under the Legal Aid Law of the People's Republic of China, this center assigns %(provider)s of "
                "%(organisation)s to provide legal aid (%(form)s) to %(who)s."
            )
            % {
                "provider": provider.name,
                "organisation": assignment.organisation.name,
                "form": assignment.get_aid_form_display(),
                "who": _applicant_line(application),
            },
            _(
                "The provider shall handle the matter diligently, keep the recipient informed of its progress, "
                "and must not charge the recipient any fee or accept money or gifts (Legal Aid Law, Articles 19 "
                "and 20). When the matter ends, the provider files the closing materials with this center "
                "within the period its rules set (Article 50)."
            ),
            _(
                "The recipient may contact the provider through %(organisation)s, telephone %(phone)s. A "
                "recipient who finds the provider does not perform their duties may ask this center to "
                "replace them (Article 55)."
            )
            % {
                "organisation": assignment.organisation.name,
                "phone": assignment.organisation.phone or "—",
            },
        ]
        notice = getattr(application, "notification", None) if application.defence_grounds else None
        if notice is not None:
            # a notified defence: the notifying unit receives the letter too (Art 36)
            paragraphs.insert(
                1,
                _("This assignment answers the notice of %(agency)s (its case number %(no)s) of %(day)s.")
                % {
                    "agency": notice.agency.name,
                    "no": notice.agency_case_no,
                    "day": chinese_date(timezone.localtime(notice.received_at).date()),
                },
            )
        fields = [
            (pgettext("letter person", "Aid recipient"), application.applicant.name),
            (_("Tracking number"), application.tracking_no),
            (_("Matter"), str(application.get_matter_type_display())),
            (_("Provider"), provider.name),
            (_("Organisation"), assignment.organisation.name),
            (_("Form of aid"), str(assignment.get_aid_form_display())),
            (_("Accepted on"), chinese_date(assignment.accepted_on) if assignment.accepted_on else "—"),
        ]
        title = _("Assignment notice")
    return _issue(
        acting_user=acting_user,
        application=application,
        kind=DocumentKind.ASSIGNMENT_LETTER,
        title=title,
        paragraphs=paragraphs,
        fields=fields,
        base_url=base_url,
    )


def _assign_period(application: Application) -> str:
    """The assignment period of the rule in force today (the decision's day), e.g. "3个工作日"."""
    return rules.period_text_in_force(application.region, "assign_days")


def _person(*, granted: bool) -> str:
    """Who a letter's remedies address: the aid recipient (受援人) once aid was granted, else the applicant."""
    if granted:
        return pgettext("letter person", "the aid recipient")
    return pgettext("letter person", "the applicant")


def _person_label(*, granted: bool) -> str:
    if granted:
        return pgettext("letter person", "Aid recipient")
    return _("Applicant")


def _objection_route(application: Application, *, person: str) -> str:
    """Where and how soon an objection to a refusal or a termination is decided (Art 49)."""
    return _(
        "If %(person)s disagrees with this decision, %(person)s may object to the judicial bureau that "
        "established this center (%(bureau)s), online or in writing; the bureau examines the objection and "
        "decides within %(period)s of receiving it (Legal Aid Law, Article 49)."
    ) % {
        "person": person,
        "bureau": _bureau_name(application),
        "period": rules.objection_period_text(application.region, timezone.localdate()),
    }


def _bureau_name(application: Application) -> str:
    try:
        return bureau_for_region(application.region).name
    except ValidationError:  # a letter still goes out when the directory lacks the bureau
        return _("the judicial bureau")


def yuan(amount: Any) -> str:
    """An amount in a letter: "2,500.00元"."""
    return _("%(amount)s yuan") % {"amount": f"{amount:,.2f}"}


def waiver_letter_issue(*, acting_user: AbstractBaseUser, waiver: Any, base_url: str) -> IssuedDocument:
    """法律援助公证/鉴定费用减免函 (and a court's litigation-fee letter, Art 53): the center asks the
    institution addressed to waive, reduce or defer the recipient's fee, as it approved."""
    application = waiver.application
    with translation.override(LETTER_LANGUAGE):
        fee = str(WaiverKind(waiver.kind).label)
        if waiver.treatment == Treatment.WAIVE:
            treatment = _("waived in full (免收)")
        elif waiver.treatment == Treatment.REDUCE:
            treatment = _("reduced to %(fee)s (减收)") % {"fee": yuan(waiver.approved_fee)}
        elif application.channel == "public_interest":
            treatment = _("deferred until the judgment, then borne by the losing party (缓收)")
        else:
            treatment = _("deferred (缓收)")
        paragraphs = [
            _("To %(institution)s:") % {"institution": waiver.institution.name},
            _(
                "%(who)s receives legal aid from this center in a matter of %(matter)s. Under Article 53 of the "
                "Legal Aid Law of the People's Republic of China, we ask you to treat the %(fee)s for the "
                "service “%(service)s” (standard fee %(standard)s) as follows: %(treatment)s."
            )
            % {
                "who": _applicant_line(application),
                "matter": application.get_matter_type_display(),
                "fee": fee,
                "service": waiver.service,
                "standard": yuan(waiver.standard_fee),
                "treatment": treatment,
            },
            _(
                "Please record the fee you charge and the amount waived (for a deferral, who pays and when) in "
                "the legal aid system under this letter's verification code. The recipient is not to be asked "
                "for more than this letter allows."
            ),
        ]
        if waiver.review_reason:
            paragraphs.append(_("Remarks: %(reason)s") % {"reason": waiver.review_reason})
        fields = [
            (_("Institution"), waiver.institution.name),
            (pgettext("letter person", "Aid recipient"), application.applicant.name),
            (_("Tracking number"), application.tracking_no),
            (_("Service"), waiver.service),
            (_("Standard fee"), yuan(waiver.standard_fee)),
            (_("Treatment"), str(Treatment(waiver.treatment).label)),
        ]
        if waiver.treatment == Treatment.REDUCE:
            fields.append((_("Fee to charge"), yuan(waiver.approved_fee)))
        if waiver.treatment == Treatment.DEFER and waiver.deferred_payer:
            fields.append((_("Who pays the deferred fee"), waiver.deferred_payer))
        titles = {
            WaiverKind.NOTARY: _("Letter on reducing or waiving notarisation fees for legal aid"),
            WaiverKind.FORENSIC: _("Letter on reducing or waiving forensic appraisal fees for legal aid"),
            WaiverKind.COURT: _("Letter on deferring, reducing or waiving litigation fees for legal aid"),
        }
        title = titles[WaiverKind(waiver.kind)]
    return _issue(
        acting_user=acting_user,
        application=application,
        kind=DocumentKind.WAIVER_LETTER,
        title=title,
        paragraphs=paragraphs,
        fields=fields,
        base_url=base_url,
    )


# --- complaints (Order No. 149; Legal Aid Law Arts 55, 56) ---------------------------------------


def _complaint_target(complaint: Any) -> str:
    """Whom the complaint is about, as the reply names it."""
    from quality.choices import ComplaintAbout

    if complaint.about == ComplaintAbout.PROVIDER and complaint.provider is not None:
        return _("the legal aid provider %(name)s") % {"name": complaint.provider.name}
    if complaint.about == ComplaintAbout.STAFF:
        if complaint.staff_name:
            return _("%(name)s, a member of staff of %(center)s") % {
                "name": complaint.staff_name,
                "center": complaint.center.name,
            }
        return _("the staff of %(center)s") % {"center": complaint.center.name}
    return complaint.center.name


def _complaint_outcome_words(complaint: Any) -> str:
    """The decision in words (never only its code): what the complainant can expect now."""
    from quality.choices import ComplaintOutcome

    if complaint.outcome == ComplaintOutcome.UNFOUNDED:
        return _("the complaint is not founded")
    if complaint.outcome == ComplaintOutcome.FOUNDED:
        return _("the complaint is founded, and what it complained of is to be corrected")
    if complaint.outcome == ComplaintOutcome.REPLACE_PROVIDER:
        return _(
            "the complaint is founded, and the legal aid provider is replaced: the center assigns another "
            "provider to your case (Legal Aid Law, Article 55)"
        )
    return _(
        "the complaint is referred to %(bureau)s, which deals with it under its powers and informs you of "
        "the result"
    ) % {"bureau": _complaint_bureau_name(complaint.center.region)}


def _complaint_bureau_name(region: Any) -> str:
    try:
        return bureau_for_region(region).name
    except ValidationError:  # a letter still goes out when the directory lacks the bureau
        return _("the judicial bureau")


def _complaint_route(complaint: Any, handler: Any) -> str:
    """Where a complainant who disagrees turns next (Legal Aid Law Arts 55, 56: complaints about legal
    aid go to the judicial administrative department). A reply is not an administrative decision on the
    complainant's rights, so no reconsideration or lawsuit is offered: the route is the supervising
    department — the bureau that set up the center, or, for a bureau's own reply, the department a
    level above it."""
    from directory.choices import OrganisationKind

    if handler is not None and handler.kind == OrganisationKind.BUREAU:
        upper = _("the judicial administrative department at the next level up")
        parent = handler.region.parent
        if parent is not None:
            try:
                upper = bureau_for_region(parent).name
            except ValidationError:
                pass
        return _(
            "If you disagree with how your complaint was handled, you may complain to %(upper)s, which "
            "supervises this bureau (Legal Aid Law, Articles 55 and 56)."
        ) % {"upper": upper}
    return _(
        "If you disagree with how your complaint was handled, you may complain to %(bureau)s, the judicial "
        "administrative department that established this center, which examines complaints about legal aid "
        "and informs you of the result (Legal Aid Law, Articles 55 and 56)."
    ) % {"bureau": _complaint_bureau_name(complaint.center.region)}


def complaint_reply_issue(*, acting_user: AbstractBaseUser, complaint: Any, base_url: str) -> IssuedDocument:
    """投诉处理答复书 (a decision), or 投诉不予受理告知书 (a rejection): the outcome in words, the reasons,
    and where to turn next; issued by the handling center (or bureau), kept on ``complaint.reply_letter``.

    The letter is the complaint's (its subject), never the case's: the provider complained about reads
    the case's documents, and the letter names who complained."""
    from quality.choices import ComplaintStatus
    from quality.models import Complaint
    from quality.services.complaints import complaint_letter_record, handler_of

    handler = handler_of(complaint) or complaint.center
    rejected = complaint.status == ComplaintStatus.REJECTED
    application = complaint.application
    with translation.override(LETTER_LANGUAGE):
        paragraphs = [
            _("%(name)s:") % {"name": complaint.complainant_name},
            _("On %(date)s %(handler)s received your complaint about %(target)s, on the ground: %(ground)s.")
            % {
                "date": chinese_date(complaint.received_on),
                "handler": handler.name,
                "target": _complaint_target(complaint),
                "ground": complaint.get_ground_display(),
            },
        ]
        if application is not None:
            paragraphs.append(
                _("The complaint concerns the legal aid case %(no)s.") % {"no": application.tracking_no}
            )
        if rejected:
            paragraphs += [
                _("Having examined it, %(handler)s decides not to accept the complaint.")
                % {"handler": handler.name},
                _("Reasons: %(reason)s") % {"reason": complaint.accept_reason},
            ]
        else:
            paragraphs += [
                _("Having accepted and looked into the complaint, the decision is: %(outcome)s.")
                % {"outcome": _complaint_outcome_words(complaint)},
                _("Reasons: %(reason)s") % {"reason": complaint.reply},
            ]
        paragraphs.append(_complaint_route(complaint, handler))
        fields = [
            (_("Complainant"), complaint.complainant_name),
            (_("Complaint number"), complaint.number),
            (pgettext("complaint", "Received on"), chinese_date(complaint.received_on)),
            (_("Ground"), str(complaint.get_ground_display())),
        ]
        if application is not None:
            fields.append((_("Tracking number"), application.tracking_no))
        if rejected:
            fields.append((_("Decision"), pgettext("complaint", "Not accepted")))
            title = _("Notice of non-acceptance of a complaint")
        else:
            fields.append((_("Outcome"), str(complaint.get_outcome_display())))
            title = _("Reply to a complaint")
    letter = document_issue(
        acting_user=acting_user,
        kind=DocumentKind.COMPLAINT_REPLY,
        issuer=handler,
        subject_type=Complaint._meta.label_lower,
        subject_id=str(complaint.pk),
        title=title,
        number=complaint.number,
        paragraphs=paragraphs,
        fields=fields,
        base_url=base_url,
    )
    complaint_letter_record(complaint=complaint, letter=letter)
    return letter


# --- collaboration letters between centers (法律援助协作函) -------------------------------------------


def collaboration_letter_issue(
    *, acting_user: AbstractBaseUser, letter: Any, base_url: str
) -> IssuedDocument:
    """法律援助协作函: the requesting center asks another center to help with a case by a deadline; issued on
    the requesting case, its code kept on the letter. It names the case by its tracking number and matter
    only: what the other center needs of the parties, the sender writes in the details."""
    from aid_cases.services.collaboration import collaboration_letter_record

    application = letter.application
    sender = letter.from_center
    with translation.override(LETTER_LANGUAGE):
        due = chinese_date(letter.due)
        paragraphs = [
            _("To %(center)s:") % {"center": letter.addressee},
            _(
                "%(sender)s is handling the legal aid case %(no)s, a matter of %(matter)s, and asks your "
                "center's help with it: %(request)s."
            )
            % {
                "sender": sender.name,
                "no": application.tracking_no,
                "matter": application.get_matter_type_display(),
                "request": letter.get_request_display(),
            },
            _("What is asked: %(details)s") % {"details": letter.details},
        ]
        if letter.is_outside:
            paragraphs.append(
                _("Please reply to %(sender)s in writing by %(due)s, quoting the number of this letter.")
                % {"sender": sender.name, "due": due}
            )
        else:
            paragraphs.append(
                _(
                    "Please answer in the legal aid system by %(due)s: say what was done and found, or why it "
                    "could not be done."
                )
                % {"due": due}
            )
        contact = "，".join(part for part in (sender.phone, sender.address) if part)
        if contact:
            paragraphs.append(_("Contact: %(contact)s") % {"contact": contact})
        fields = [
            (_("Letter number"), letter.number),
            (_("Tracking number"), application.tracking_no),
            (_("Requesting center"), sender.name),
            (_("Receiving center"), letter.addressee),
            (_("Request"), str(letter.get_request_display())),
            (_("Answer by"), due),
        ]
        title = _("Legal aid collaboration letter")
    document = document_issue(
        acting_user=acting_user,
        kind=DocumentKind.COLLABORATION_LETTER,
        issuer=sender,
        subject_type=Application._meta.label_lower,
        subject_id=str(application.pk),
        title=title,
        number=letter.number,
        paragraphs=paragraphs,
        fields=fields,
        base_url=base_url,
    )
    collaboration_letter_record(letter=letter, code=document.code)
    return document
