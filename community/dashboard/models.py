"""The dashboard's one table: the city's grain for each preset period, computed by the
worker so that a dashboard page sums it instead of counting the year again.

A row holds counts per wilayah only (activities, check-ins, people who took part per RT,
kind and month): no id of a person, nothing a resident's export or deletion must reach."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from community.core import privacy
from community.core.types import UTCDateTime
from community.extensions import db


class DashboardSnapshot(db.Model):
    __tablename__ = "dashboard_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    preset: Mapped[str] = mapped_column(String(10), unique=True)  # bulan, kuartal, tahun
    first: Mapped[date] = mapped_column(Date)  # the period it covers, in WITA
    last: Mapped[date] = mapped_column(Date)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)  # held activities until then
    seconds: Mapped[float] = (
        mapped_column()
    )  # how long the counting took (for the log and the operator)
    grain: Mapped[str] = mapped_column(Text)  # queries.Grain as JSON


_COUNTS = "counts for the whole city, per wilayah; about no one person"
privacy.classify("dashboard_snapshot", {
    "id": privacy.NotPersonal(_COUNTS),
    "preset": privacy.NotPersonal("the name of a period, the same for everyone"),
    "first": privacy.NotPersonal(_COUNTS),
    "last": privacy.NotPersonal(_COUNTS),
    "computed_at": privacy.NotPersonal("when the worker counted"),
    "seconds": privacy.NotPersonal("how long the worker counted"),
    "grain": privacy.NotPersonal("counts per wilayah, RT, kind and month; no id of a person"),
})  # fmt: skip
