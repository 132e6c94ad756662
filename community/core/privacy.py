"""UU PDP subject-access export: each domain registers what it holds about a user.

Domains register an exporter at import time; ``accounts`` calls :func:`collect`.
Keeping the registry here lets later domains (events, arisan, messaging) add their
data to the download without ``accounts`` importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Exporter = Callable[[Any], Any]
_exporters: dict[str, Exporter] = {}


def register_exporter(section: str, exporter: Exporter) -> None:
    _exporters[section] = exporter


def collect(user: Any) -> dict[str, Any]:
    return {section: exporter(user) for section, exporter in sorted(_exporters.items())}


# --- the inventory of personal data -------------------------------------------------------
#
# Every column of every table is classified here, by the domain that owns the table, next
# to its exporter. ``tests/integration/privacy/test_inventory.py`` walks the metadata and
# fails on a column nobody classified, so a new personal column cannot slip past the
# download (UU PDP art. 7: the subject may obtain a copy of their personal data).


@dataclass(frozen=True)
class Exported:
    """Personal data that is in the download, at ``path`` (dots; ``[]`` for a list)."""

    path: str


@dataclass(frozen=True)
class NotPersonal:
    """Not about a person (an id, an activity's content, a counter); ``reason`` says why."""

    reason: str


@dataclass(frozen=True)
class Withheld:
    """About a person but deliberately not in the download; ``reason`` says why."""

    reason: str


Classification = Exported | NotPersonal | Withheld
_inventory: dict[str, dict[str, Classification]] = {}


def classify(table: str, columns: dict[str, Classification]) -> None:
    """Declare what every column of ``table`` is. A table is classified by one domain."""
    _inventory.setdefault(table, {}).update(columns)


def inventory() -> dict[str, dict[str, Classification]]:
    return {table: dict(columns) for table, columns in _inventory.items()}


# --- figures for officials ----------------------------------------------------------------

# Fewer than five people in an RT can be told apart by anyone who knows the neighbourhood:
# a count of 1-4 tells an official who came, so it is shown as "<5". Zero names nobody.
SMALL_GROUP = 5


def suppress_small(n: int) -> str:
    """A count as an official may see it: ``"<5"`` for 1-4, the number otherwise."""
    if n < 0:
        raise ValueError(n)
    return f"<{SMALL_GROUP}" if 0 < n < SMALL_GROUP else str(n)
