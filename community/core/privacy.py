"""UU PDP subject-access export: each domain registers what it holds about a user.

Domains register an exporter at import time; ``accounts`` calls :func:`collect`.
Keeping the registry here lets later domains (events, arisan, messaging) add their
data to the download without ``accounts`` importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any], Any]
_exporters: dict[str, Exporter] = {}


def register_exporter(section: str, exporter: Exporter) -> None:
    _exporters[section] = exporter


def collect(user: Any) -> dict[str, Any]:
    return {section: exporter(user) for section, exporter in sorted(_exporters.items())}
