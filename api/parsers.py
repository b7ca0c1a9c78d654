"""The API's request parsers: strict about what they accept, bounded in what they read (API.md, Conventions).

DRF's own parsers read the request as a stream, past Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``, and
its JSON parser lets a deeply nested body raise ``RecursionError`` (a 500). These read at most the
limit (413 beyond it) and answer 400 for a body nested deeper than ``MAX_JSON_DEPTH``, for NaN and
Infinity, and for a lone surrogate (``"\\ud800"``) in any string or key, which no database, PDF or
JSON encoder can store.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import APIException, ParseError

# No request of this API nests deeper than a few levels; this leaves room and stops abuse early.
MAX_JSON_DEPTH = 32


class BadBody(ParseError):
    """A body this API cannot read; its message says why (400 in API.md's format)."""


class RequestTooLarge(APIException):
    status_code = 413
    default_code = "request_too_large"

    def __init__(self) -> None:
        super().__init__(_("The request body is larger than the limit."))


def body_limit() -> int | None:
    """Bytes a JSON or form body may have: Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def read_bounded(stream, parser_context: dict | None) -> bytes:
    """The body, read up to the limit; ``RequestTooLarge`` when it is longer (it is never read in full)."""
    limit = body_limit()
    if stream is None:
        return b""
    request = (parser_context or {}).get("request")
    if limit is not None and request is not None:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except (TypeError, ValueError):
            declared = 0
        if declared > limit:
            raise RequestTooLarge
    body = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(body) > limit:
        raise RequestTooLarge
    return body


def has_surrogate(text: str) -> bool:
    """A lone UTF-16 surrogate (U+D800..U+DFFF): valid in a Python str, unencodable in UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _reject_constant(name: str) -> Any:
    raise BadBody(_("NaN and Infinity are not JSON numbers."))


def check_json_value(data: Any) -> None:
    """Raise ``ParseError`` for a value nested too deep or holding a lone surrogate (no recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if has_surrogate(value):
                raise BadBody(_("The request body contains text that is not valid Unicode."))
        elif isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise BadBody(_("The request body is nested too deeply."))
            if isinstance(value, dict):
                stack.extend((key, depth) for key in value)
                stack.extend((item, depth + 1) for item in value.values())
            else:
                stack.extend((item, depth + 1) for item in value)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = read_bounded(stream, parser_context)
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(body.decode(encoding), parse_constant=_reject_constant)
        except RecursionError as exc:
            raise BadBody(_("The request body is nested too deeply.")) from exc
        except ValueError as exc:  # malformed JSON or bytes that are not the declared encoding
            raise BadBody(_("The request body is not valid JSON.")) from exc
        check_json_value(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = read_bounded(stream, parser_context)
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        # QueryDict enforces DATA_UPLOAD_MAX_NUMBER_FIELDS (TooManyFieldsSent: a 400 in api.errors).
        return QueryDict(body, encoding=encoding)


class MultiPartParser(parsers.MultiPartParser):
    """Django's multipart parser: files go to FILE_UPLOAD_* handling, fields to the body limit."""
