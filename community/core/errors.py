"""The one base class of the refusals a domain's services raise."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    """A rule refused the action: ``code`` says which, ``details`` fill in its message.

    Services raise it (through their domain's subclass, ``AreaError``, ``EventError``,
    ...) and the caller rolls back; the route turns the code into words with
    :meth:`message` and its own table of messages, so services never speak to people.
    """

    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code = code
        self.details = details

    def message(self, messages: Mapping[str, Any]) -> str:
        """The words for this refusal from ``messages`` (code -> text with ``%(name)s``)."""
        text = str(messages[self.code])
        return text % self.details if self.details else text
