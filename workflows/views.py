"""Task views for viewflow's frontend: the same forms and handlers as the API (workflows/tasks.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.views import generic
from viewflow.workflow.flow.views import mixins

from aid_cases.errors import Conflict


class TaskFormView(mixins.SuccessMessageMixin, mixins.TaskSuccessUrlMixin, mixins.TaskViewTemplateNames,
                   generic.FormView):
    """Render the task's form; on submit run its handler, then let the flow move on."""

    template_filename = "task.html"

    def get_form_class(self):
        from .tasks import TASKS

        return TASKS[self.request.activation.flow_task.name].form

    def form_valid(self, form):
        from .letters import base_url_for
        from .tasks import TASKS

        activation = self.request.activation
        spec = TASKS[activation.flow_task.name]
        try:
            spec.handler(activation.task, self.request.user, form.cleaned_data, base_url_for(self.request))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
            return self.form_invalid(form)
        except Conflict as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        activation.execute()
        return HttpResponseRedirect(self.get_success_url())
