from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import Count, QuerySet, Window
from django.db.models.query import ModelIterable
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

# The largest OFFSET the databases take (a signed 64-bit integer): a page number beyond it is no page.
MAX_OFFSET = 2**63 - 1


class OneQueryPaginator(DjangoPaginator):
    """Django's paginator, with the count taken in the page's own query: ``COUNT(*) OVER ()`` beside
    each row, instead of a ``SELECT COUNT(*)`` first.

    Every list call is then one statement for the page, whatever the number of rows, where Django's
    paginator spends two (the count repeats the page's whole filter). A page past the end has no row
    to carry the count: page 1 is then the empty list, a later page is not found. Querysets the window
    would miscount fall back to Django's way: ``DISTINCT`` (the window counts before it), unions, and
    ``values()`` rows (the count would become one of their keys).
    """

    def page(self, number) -> Page:
        queryset = self.object_list
        if not _counted_by_window(queryset):
            return super().page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        bottom = (number - 1) * self.per_page
        if bottom + self.per_page > MAX_OFFSET:  # past any list a database holds (and its integers)
            raise EmptyPage(self.error_messages["no_results"])
        rows = list(queryset.annotate(_list_total=Window(Count("*")))[bottom : bottom + self.per_page])
        if rows:
            self.__dict__["count"] = rows[0]._list_total  # ``count`` is a cached_property: set, not queried
        elif number == 1:
            self.__dict__["count"] = 0
        else:
            raise EmptyPage(self.error_messages["no_results"])
        return self._get_page(rows, number, self)


def _counted_by_window(queryset) -> bool:
    if not isinstance(queryset, QuerySet) or queryset._iterable_class is not ModelIterable:
        return False
    query = queryset.query
    return not query.distinct and not query.combinator and not query.is_sliced


class Pagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}``; ``?page=`` and ``?page_size=`` (at most 200).

    A ``page_size`` that is not a positive whole number is a 400 (the schema says so), not a silent
    default; a larger one than 200 gives 200. A page past the end is a 404.
    """

    django_paginator_class = OneQueryPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit() and int(raw) > 0):
            raise serializers.ValidationError(
                {self.page_size_query_param: [_("Give a whole number above 0.")]}
            )
        return super().get_page_size(request)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw not in self.last_page_strings and not (raw.isascii() and raw.isdigit()):
            raise NotFound(self.invalid_page_message.format(page_number=raw, message=_("Not a page number.")))
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Results per page, at most {self.max_page_size} (larger: {self.max_page_size})."
                )
        return parameters
