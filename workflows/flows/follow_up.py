"""A follow-up call (回访, Art 59): start → follow_up (the case's center) → end.

One process per call, started with ``StartHandle`` by ``workflows.follow_ups``: after closure always
(the review that closes the case starts it), after the provider accepts the case when the rule in force
says so, and mid-case when a reviewer opens one. The process is the ready-made ``CaseProcess`` (no new
proxy, no migration): the call is its artifact and the case its seed, so the case's task list shows the
call and ``application_id`` is set on its rows. The rules are ``quality.services.follow_ups``'; a "the
provider asked for money" answer opens a complaint in the same step (``workflows.follow_ups``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process, Task

from quality.models import FollowUp
from quality.selectors.follow_ups import follow_ups_for_case

from .. import follow_ups, views
from ..forms import TaskForm, YesNoField, reasons_field
from ..models import CaseProcess
from ..registry import TaskSpec, register
from ..visibility import CaseVisibilityMixin, organisation_at

CALL_PERMISSION = "directory.review_applications"


class FollowUpFlow(CaseVisibilityMixin, flow.Flow):
    process_class = CaseProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Follow-up call")

    start = flow.StartHandle(this.start_process).Next(this.follow_up)
    follow_up = (
        flow.View(views.task_page)
        .Annotation(title=_("Make the follow-up call"))
        .Permission(CALL_PERMISSION, obj=organisation_at("center"))
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation: Any, follow_up: FollowUp) -> Process:
        activation.process.artifact = follow_up
        activation.process.seed = follow_up.application
        return activation.process


# --- the script's fields: JSON from the API, radio buttons and a checkbox on the page ---------------


_YES_NO = {True: True, False: False, "true": True, "false": False, "on": True}


class CheckboxInput(forms.CheckboxInput):
    """A checkbox whose value reaches the field as sent: Django's would read any text ("no") as ticked.
    (Its name keeps the page's ``checkbox`` layout, which goes by the widget's class name.)"""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class FlagField(forms.Field):
    """A yes/no answer that defaults to no: JSON true/false (or null, or left out), a ticked checkbox."""

    widget = CheckboxInput

    def to_python(self, value: Any) -> bool:
        if value in (None, ""):
            return False
        key = value.lower() if isinstance(value, str) else value
        if isinstance(key, bool | str) and key in _YES_NO:
            return _YES_NO[key]
        raise ValidationError(_("Answer yes or no."), code="invalid")


class MaybeField(forms.Field):
    """Yes, no or not known: JSON true/false/null; radio buttons on the page."""

    def __init__(self, **kwargs: Any) -> None:
        choices = [("true", _("Yes")), ("false", _("No")), ("", _("Not asked or no answer"))]
        super().__init__(required=False, widget=forms.RadioSelect(choices=choices), **kwargs)

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        key = value.lower() if isinstance(value, str) else value
        if isinstance(key, bool | str) and key in ("true", "false", True, False):
            return key in ("true", True)
        raise ValidationError(_("Answer yes, no, or leave it empty."), code="invalid")


class ScoreField(forms.Field):
    """A whole number (the service says which are allowed): a JSON number or digits; radio buttons."""

    def __init__(self, **kwargs: Any) -> None:
        choices = [(str(n), str(n)) for n in range(1, 6)]
        super().__init__(required=False, widget=forms.RadioSelect(choices=choices), **kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValidationError(_("Give a score from 1 to 5."), code="invalid")
        text = str(value).strip()
        if not text.lstrip("-").isdigit() or len(text) > 6:
            raise ValidationError(_("Give a score from 1 to 5."), code="invalid")
        return int(text)


class FollowUpForm(TaskForm):
    """API.md, task ``follow_up``: ``reached``, ``satisfaction``, ``asked_for_money``, ``responsive``,
    ``comment`` — nothing more, nothing less."""

    reached = YesNoField(
        label=_("Did you reach the recipient?"),
        yes=_("Reached"),
        no=_("Not reached (no answer, wrong number)"),
    )
    satisfaction = ScoreField(
        label=_("How satisfied is the recipient with the aid? (1 to 5)"),
        help_text=_(
            "Required when reached: 1 very dissatisfied, 5 very satisfied; 4 and 5 count as satisfied."
        ),
    )
    asked_for_money = FlagField(
        label=_("The provider asked for money or gifts"),
        required=False,
        help_text=_("Ticking this opens a complaint about the provider."),
    )
    responsive = MaybeField(label=_("Was the provider responsive (reachable, kept the recipient informed)?"))
    comment = reasons_field(_("Anything else the recipient said"))


def _follow_up(
    *,
    task: Task,
    process: Process,
    subject: FollowUp,
    user: AbstractBaseUser,
    data: dict[str, Any],
    base_url: str,
) -> None:
    process.artifact = follow_ups.follow_up_answer(
        acting_user=user,
        follow_up=subject,
        reached=data["reached"],
        satisfaction=data.get("satisfaction"),
        asked_for_money=bool(data.get("asked_for_money")),
        responsive=data.get("responsive"),
        comment=data.get("comment") or "",
    )


def _page_context(*, task: Task, subject: FollowUp, user: AbstractBaseUser) -> dict[str, Any]:
    """The case's earlier calls beside the script: who was reached, what they said."""
    earlier = [f for f in follow_ups_for_case(subject.application_id) if f.pk != subject.pk]
    return {"follow_up": subject, "earlier_calls": earlier}


register(
    TaskSpec(
        node=FollowUpFlow.follow_up,
        # a staff member never records their own (or their family's) satisfaction: a colleague calls
        decision=True,
        form=FollowUpForm,
        handler=_follow_up,
        template="workflows/follow_up/follow_up.html",
        subject_model=FollowUp,
        subject_related=("application", "application__applicant", "center", "provider"),
        due=lambda follow_up: follow_up.due_on,
        page_context=_page_context,
        action_title=_("The call's answers"),
    ),
)
