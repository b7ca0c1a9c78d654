"""Errors shared by every layer, so that the domain apps, the workflows and both front ends agree."""

from __future__ import annotations


class Conflict(Exception):
    """The workflow state forbids the action now (API: 409), e.g. a second supplement notice.

    Different from a ``ValidationError`` (400, the input is wrong whatever the state) and from
    "not found" (404, the caller may not see the object at all).
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Forbidden(Exception):
    """The caller's role may never do this action (API: 403), e.g. a lawyer filing an aid application.

    Not "not found" (404): the caller sees the object, or the action concerns no object they may not
    see, and learns only that their role does not allow it.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
