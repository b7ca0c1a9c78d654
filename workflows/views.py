"""The view viewflow's frontend would open for a human task: our own task page.

The site's task pages (site_ui, /tasks/<id>/) are the one place where tasks are done, with the
same forms and handlers as the API (workflows/tasks.py); if viewflow's FlowViewset is ever
mounted, its task links lead there rather than to a second implementation.
"""

from __future__ import annotations

from django.shortcuts import redirect


def task_page(request, *args, task_pk: int, **kwargs):
    return redirect("task_detail", pk=task_pk)
