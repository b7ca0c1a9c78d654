"""Downloads of the annual-duty reports (docs/domain.md, annual duty): a firm's report as PDF, XLSX or
CSV and a lawyer's certificate. Being written in this session; until then they answer 404."""

from __future__ import annotations

from django.http import Http404


def firm_report(request, pk: int, fmt: str):
    raise Http404


def lawyer_certificate(request, pk: int):
    raise Http404
