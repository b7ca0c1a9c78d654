"""The view viewflow's frontend would open for a human task: our own task page.

The site's task pages (site_ui, /tasks/<id>/) are the one place where tasks are done, with the
same forms and handlers as the API (workflows/tasks.py); if viewflow's FlowViewset is ever
mounted, its task links lead there rather than to a second implementation.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse


def task_page(request: HttpRequest, *args: Any, task_pk: int, **kwargs: Any) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("task_detail", kwargs={"pk": task_pk}))
