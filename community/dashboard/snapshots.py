"""The worker's counts of the city for each preset period (this month, three months, a
year), so that a dashboard page at any level sums a few hundred numbers instead of
counting a year of answers (about 2 s for the whole city at full scale).

The worker calls :func:`refresh` every ``rules.SNAPSHOT_EVERY_MINUTES``; ``rukun
dashboard-refresh`` does the same by hand. A page uses a snapshot only while
:func:`rules.snapshot_answers` says it is current; otherwise it counts live."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from community.core.time import WITA
from community.dashboard import queries, rules
from community.dashboard.models import DashboardSnapshot
from community.dashboard.rules import Period
from community.extensions import db

log = logging.getLogger(__name__)


def refresh(now: datetime) -> dict[str, float]:
    """Count every preset period of the whole city as of ``now`` and keep it (one row per
    preset, replaced). Returns the seconds each took."""
    today = now.astimezone(WITA).date()
    took = {}
    for preset in rules.PRESET_MONTHS:
        period = rules.resolve_period(str(preset), None, None, today)
        started = time.perf_counter()
        start, end = queries.window(period, now)
        grain = json.dumps(queries.gather("", start, end, None).to_json(), separators=(",", ":"))
        seconds = round(time.perf_counter() - started, 3)
        row = db.session.scalar(
            select(DashboardSnapshot).where(DashboardSnapshot.preset == str(preset))
        ) or DashboardSnapshot(preset=str(preset))
        row.first, row.last, row.computed_at = period.first, period.last, now
        row.seconds, row.grain = seconds, grain
        db.session.add(row)
        db.session.commit()  # each preset on its own: the pages never wait for all three
        took[str(preset)] = seconds
    log.info("dashboard snapshots counted: %s", took)
    return took


def current(period: Period, now: datetime) -> tuple[queries.Grain, datetime] | None:
    """The city's grain for ``period`` (every kind) and the instant it was counted, when
    a current snapshot answers it; None when the page must count live."""
    if period.preset not in rules.PRESET_MONTHS:
        return None
    row = db.session.execute(
        select(DashboardSnapshot.id, DashboardSnapshot.first, DashboardSnapshot.last,
               DashboardSnapshot.computed_at, DashboardSnapshot.seconds)
        .where(DashboardSnapshot.preset == period.preset)
    ).first()  # fmt: skip
    if row is None:
        return None
    covered = Period(row.first, row.last, period.preset)
    if not rules.snapshot_answers(period, covered, row.computed_at, now):
        return None
    # Parsed once per process and count (about 0.6 MB of JSON for the city's year): the
    # pages between two counts read only the row's date.
    parsed = current_app.extensions.setdefault("dashboard_grains", {})
    kept = parsed.get(period.preset)
    if kept is None or kept[0] != (row.id, row.computed_at, row.seconds):
        text = db.session.scalar(
            select(DashboardSnapshot.grain).where(DashboardSnapshot.id == row.id)
        )
        kept = ((row.id, row.computed_at, row.seconds), queries.Grain.from_json(json.loads(text)))
        parsed[period.preset] = kept
    return kept[1], row.computed_at
