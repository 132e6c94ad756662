"""The dashboard's figures for one wilayah subtree, by aggregate SQL only.

Every statement groups (``COUNT``, ``COUNT(DISTINCT)``, ``GROUP BY``); no row about a
person leaves the database. A fixed number of statements per page, whatever the scale:
the subtree's nodes, residents per RT, activities and check-ins by wilayah and kind and by
month, people who took part by RT, by kind and by month, musyawarah and arisan counts. The
roll-up from wilayah to the scope's units happens here, on at most a few hundred rows.

"Took part" (warga aktif): a resident of the scope who was checked in on a Daftar Hadir, or
answered Hadir (not on the Daftar Tunggu), for an activity held in the period, wherever
that activity was organised (a kelurahan pengajian counts for the RT of whoever came).
"Held": not cancelled, starting within the period and not after now.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from sqlalchemy import String, and_, case, distinct, func, literal, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from community.accounts.models import User
from community.areas.models import Level, Wilayah
from community.core.time import WITA
from community.dashboard import rules
from community.dashboard.rules import Period, UnitFigures
from community.events.models import Activity, Answer, Attendance, Rsvp
from community.extensions import db

CACHE_SIZE = 512  # filters kept per process (each a few kilobytes)
_lock = threading.Lock()


class wita_month(FunctionElement):
    """``YYYY-MM`` of a UTC timestamp, in WITA (UTC+8, no daylight saving)."""

    type = String()
    inherit_cache = True


@compiles(wita_month, "sqlite")
def _wita_month_sqlite(element, compiler, **kw) -> str:
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(wita_month, "postgresql")
def _wita_month_postgresql(element, compiler, **kw) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"to_char({column} AT TIME ZONE 'Asia/Makassar', 'YYYY-MM')"


@dataclass(frozen=True)
class Node:
    id: int
    parent_id: int | None
    level: str
    name: str
    path: str


@dataclass
class KindFigures:
    activities: int = 0
    check_ins: int = 0
    people: int = 0


@dataclass
class MonthFigures:
    month: str
    activities: int = 0
    check_ins: int = 0
    people: int = 0


@dataclass
class UnitReport:
    """One unit (a child of the scope) as its page of the monthly report shows it: the
    ranking's figures with inclusion, activities and check-ins by kind, and its quiet RTs.
    Kinds have no count of people per unit (that would be a statement per unit)."""

    wilayah_id: int
    name: str
    residents: int = 0
    residents_with_needs: int = 0
    active: int = 0
    active_with_needs: int = 0
    activities: int = 0
    check_ins: int = 0
    by_kind: dict[str, KindFigures] = field(default_factory=dict)
    rt_count: int = 0
    quiet_rts: list[str] = field(default_factory=list)

    @property
    def active_share(self) -> int | None:
        return rules.share(self.active, self.residents)

    @property
    def active_with_needs_share(self) -> int | None:
        return rules.share(self.active_with_needs, self.residents_with_needs)


@dataclass
class Figures:
    scope: Node
    period: Period
    kind: str | None
    residents: int = 0
    residents_with_needs: int = 0
    active: int = 0
    active_with_needs: int = 0
    activities: int = 0
    check_ins: int = 0
    by_kind: dict[str, KindFigures] = field(default_factory=dict)
    by_month: list[MonthFigures] = field(default_factory=list)
    units: list[UnitFigures] = field(default_factory=list)
    unit_reports: list[UnitReport] = field(default_factory=list)  # by name
    quiet_rts: list[str] = field(default_factory=list)  # "RT 03 · RW 01"
    rt_count: int = 0
    proposals: int = 0
    supports: int = 0
    polls_closed: int = 0
    votes: int = 0
    eligible_voters: int = 0
    arisan_groups: int = 0
    arisan_members: int = 0
    as_of: datetime | None = None  # counted by the worker then; None: counted for this page

    @property
    def active_share(self) -> int | None:
        return rules.share(self.active, self.residents)

    @property
    def active_with_needs_share(self) -> int | None:
        return rules.share(self.active_with_needs, self.residents_with_needs)

    @property
    def turnout(self) -> int | None:
        return rules.share(self.votes, self.eligible_voters)


def window(period: Period, now: datetime) -> tuple[datetime, datetime]:
    """The period's instants in UTC: from its first day 00.00 WITA to the end of its last
    day, and never after ``now`` (what is to come has not been held)."""
    start = datetime.combine(period.first, time.min, WITA).astimezone(UTC)
    end = datetime.combine(period.last + timedelta(days=1), time.min, WITA).astimezone(UTC)
    return start, min(end, now)


def subtree(scope: Wilayah) -> list[Node]:
    rows = db.session.execute(
        select(Wilayah.id, Wilayah.parent_id, Wilayah.level, Wilayah.name, Wilayah.path)
        .where(Wilayah.path.like(scope.path + "%"))
        .order_by(Wilayah.path)
    ).all()
    return [Node(*row) for row in rows]


def _ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _in_scope(path: str):
    """The ids of the wilayah at ``path`` and below ("" for every wilayah)."""
    return select(Wilayah.id).where(Wilayah.path.like(path + "%")).scalar_subquery()


def _held(start: datetime, end: datetime, kind: str | None) -> list:
    """An activity held from ``start`` to ``end`` (of ``kind``, if given): not cancelled."""
    held = [Activity.is_cancelled.is_(False), Activity.starts_at >= start,
            Activity.starts_at < end]  # fmt: skip
    if kind:
        held.append(Activity.kind == kind)
    return held


def _needs():
    return or_(User.needs_wheelchair, User.needs_lift, User.needs_hearing, User.needs_vision)


def cached(scope: Wilayah, period: Period, kind: str | None, *, now: datetime) -> Figures:
    """:func:`compute`, kept for ``DASHBOARD_CACHE_SECONDS`` (per process): the page and its
    three charts ask for the same figures within a second, and an official moving between
    periods comes back to them. Figures a minute old are as true as figures of now."""
    seconds = current_app.config.get("DASHBOARD_CACHE_SECONDS", 60)
    if not seconds:
        return compute(scope, period, kind, now=now)
    store = current_app.extensions.setdefault("dashboard_cache", {})
    key = (scope.id, period, kind)
    with _lock:
        found = store.get(key)
        if found is not None and found[0] > now:
            return found[1]
    figures = compute(scope, period, kind, now=now)
    with _lock:
        if len(store) >= CACHE_SIZE:
            store.clear()  # a few hundred keys at most: the oldest are as good to drop as all
        store[key] = (now + timedelta(seconds=seconds), figures)
    return figures


@dataclass
class Grain:
    """The counts a dashboard is summed from, per wilayah: what was held there (by the
    wilayah that organised it) and who took part (by the RT they live in). People are
    counted once per RT, kind or month, and each lives in one RT, so summing RTs gives the
    distinct people of any subtree. Plain counts only: a snapshot keeps it as JSON."""

    residents: dict[int, list[int]] = field(default_factory=dict)  # rt -> [all, with needs]
    # wilayah -> kind -> month -> [activities held, check-ins]
    held: dict[int, dict[str, dict[str, list[int]]]] = field(default_factory=dict)
    people: dict[int, list[int]] = field(default_factory=dict)  # rt -> [active, with needs]
    people_month: dict[int, dict[str, int]] = field(default_factory=dict)
    people_kind: dict[int, dict[str, list[int]]] = field(default_factory=dict)  # [n, needs]
    people_kind_month: dict[int, dict[str, dict[str, int]]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {name: {str(k): v for k, v in getattr(self, name).items()} for name in _GRAIN}

    @classmethod
    def from_json(cls, data: dict) -> Grain:
        return cls(**{name: {int(k): v for k, v in data[name].items()} for name in _GRAIN})


_GRAIN = ("residents", "held", "people", "people_month", "people_kind", "people_kind_month")


def compute(scope: Wilayah, period: Period, kind: str | None, *, now: datetime) -> Figures:
    """Every figure of the dashboard of ``scope`` (the caller checked the viewer may see it)."""
    start, end = window(period, now)
    return assemble(scope, period, kind, gather(scope.path, start, end, kind), start, end)


def from_snapshot(scope: Wilayah, period: Period, kind: str | None, grain: Grain,
                  computed_at: datetime) -> Figures:  # fmt: skip
    """The figures of ``scope`` (all kinds or one) summed from the worker's grain of the
    whole city, counted until ``computed_at`` (musyawarah and arisan, a few rows, are
    counted until then too)."""
    start, end = window(period, computed_at)
    figures = assemble(scope, period, kind, grain, start, end)
    figures.as_of = computed_at
    return figures


def gather(path: str, start: datetime, end: datetime, kind: str | None) -> Grain:
    """The grain of the subtree at ``path`` ("" for every wilayah), for activities held
    from ``start`` to ``end``: six grouped statements."""
    grain = Grain()
    in_scope = _in_scope(path)
    held = _held(start, end, kind)

    # residents (and those who told their pengurus of a need) per RT
    for rt_id, count, needs in db.session.execute(
        select(User.rt_id, func.count(User.id), func.count(case((_needs(), User.id))))
        .where(User.rt_id.in_(in_scope))
        .group_by(User.rt_id)
    ):
        grain.residents[rt_id] = [count, needs]

    # activities held, and people checked in, by wilayah, kind and month
    month = wita_month(Activity.starts_at)
    for wilayah_id, activity_kind, key, count in db.session.execute(
        select(Activity.wilayah_id, Activity.kind, month, func.count(Activity.id))
        .where(Activity.wilayah_id.in_(in_scope), *held)
        .group_by(Activity.wilayah_id, Activity.kind, month)
    ):
        grain.held.setdefault(wilayah_id, {}).setdefault(activity_kind, {})[key] = [count, 0]
    for wilayah_id, activity_kind, key, count in db.session.execute(
        select(Activity.wilayah_id, Activity.kind, month, func.count(Attendance.id))
        .join(Attendance, Attendance.activity_id == Activity.id)
        .where(Activity.wilayah_id.in_(in_scope), *held)
        .group_by(Activity.wilayah_id, Activity.kind, month)
    ):
        grain.held[wilayah_id][activity_kind][key][1] = count

    # people of the scope who took part, wherever the activity was organised
    took_part = union_all(
        select(Attendance.user_id.label("user_id"), Activity.kind.label("kind"),
               Activity.starts_at.label("starts_at"))
        .join(Activity, Activity.id == Attendance.activity_id)
        .where(Attendance.user_id.is_not(None), *held),
        select(Rsvp.user_id, Activity.kind, Activity.starts_at)
        .join(Activity, Activity.id == Rsvp.activity_id)
        .where(Rsvp.user_id.is_not(None), Rsvp.answer == Answer.HADIR,
               Rsvp.waitlisted_at.is_(None), *held),
    ).subquery()  # fmt: skip
    people = and_(User.id == took_part.c.user_id, User.rt_id.in_(in_scope))
    # Read once (MATERIALIZED), counted four ways in one statement: by RT (with those who
    # declared a need), by RT and month, by RT and kind (with needs), by RT, kind and month.
    taking = (
        select(User.id.label("uid"), User.rt_id.label("rt_id"),
               case((_needs(), User.id)).label("needs_uid"), took_part.c.kind.label("kind"),
               wita_month(took_part.c.starts_at).label("month"))
        .join(took_part, people)
        .cte("taking")
        .prefix_with("MATERIALIZED")
    )  # fmt: skip
    t = taking.c
    everyone, needs, none = (
        func.count(distinct(t.uid)),
        func.count(distinct(t.needs_uid)),
        literal(""),
    )
    counted = union_all(
        select(literal("rt").label("axis"), t.rt_id, none.label("kind"), none.label("month"),
               everyone.label("people"), needs.label("needs"))
        .group_by(t.rt_id),
        select(literal("month"), t.rt_id, none, t.month, everyone, literal(0))
        .group_by(t.rt_id, t.month),
        select(literal("kind"), t.rt_id, t.kind, none, everyone, needs)
        .group_by(t.rt_id, t.kind),
        select(literal("kind_month"), t.rt_id, t.kind, t.month, everyone, literal(0))
        .group_by(t.rt_id, t.kind, t.month),
    )  # fmt: skip
    for axis, rt_id, activity_kind, key, count, with_needs in db.session.execute(counted):
        if axis == "rt":
            grain.people[rt_id] = [count, with_needs]
        elif axis == "month":
            grain.people_month.setdefault(rt_id, {})[key] = count
        elif axis == "kind":
            grain.people_kind.setdefault(rt_id, {})[activity_kind] = [count, with_needs]
        else:
            by_kind = grain.people_kind_month.setdefault(rt_id, {})
            by_kind.setdefault(activity_kind, {})[key] = count
    return grain


def assemble(scope: Wilayah, period: Period, kind: str | None, grain: Grain,
             start: datetime, end: datetime) -> Figures:  # fmt: skip
    """The figures of ``scope`` summed from a grain that covers at least its subtree (its
    own, or the whole city's), with the musyawarah and arisan counts of the scope."""
    nodes = subtree(scope)
    by_id = {n.id: n for n in nodes}
    depth = len(_ids(scope.path))
    unit_of = {}  # wilayah id -> the scope's child it lies under (None: the scope itself)
    for n in nodes:
        ids = _ids(n.path)
        unit_of[n.id] = ids[depth] if len(ids) > depth else None
    figures = Figures(Node(scope.id, scope.parent_id, scope.level, scope.name, scope.path),
                      period, kind)  # fmt: skip
    residents = {n.id: grain.residents.get(n.id, [0, 0]) for n in nodes}
    if kind is None:  # people who took part in anything, counted once
        active = {n.id: grain.people.get(n.id, [0, 0]) for n in nodes}
    else:
        active = {n.id: grain.people_kind.get(n.id, {}).get(kind, [0, 0]) for n in nodes}
    activities, check_ins = defaultdict(int), defaultdict(int)
    kinds: defaultdict[str, KindFigures] = defaultdict(KindFigures)
    node_kinds: dict[int, dict[str, KindFigures]] = {}
    months = {m: MonthFigures(m) for m in rules.months(period)}
    for n in nodes:
        figures.residents += residents[n.id][0]
        figures.residents_with_needs += residents[n.id][1]
        figures.active += active[n.id][0]
        figures.active_with_needs += active[n.id][1]
        for activity_kind, by_month in grain.held.get(n.id, {}).items():
            if kind is not None and activity_kind != kind:
                continue
            here = node_kinds.setdefault(n.id, {}).setdefault(activity_kind, KindFigures())
            for key, (count, came) in by_month.items():
                here.activities += count
                here.check_ins += came
                if key in months:
                    months[key].activities += count
                    months[key].check_ins += came
            activities[n.id] += here.activities
            check_ins[n.id] += here.check_ins
            kinds[activity_kind].activities += here.activities
            kinds[activity_kind].check_ins += here.check_ins
        for activity_kind, (count, _needs_count) in grain.people_kind.get(n.id, {}).items():
            if kind is None or activity_kind == kind:
                kinds[activity_kind].people += count
        if kind is None:
            by_month = grain.people_month.get(n.id, {})
        else:
            by_month = grain.people_kind_month.get(n.id, {}).get(kind, {})
        for key, count in by_month.items():
            if key in months:
                months[key].people += count
    figures.activities = sum(activities.values())
    figures.check_ins = sum(check_ins.values())
    figures.by_kind = dict(kinds)
    figures.by_month = list(months.values())

    # the scope's units (its children), and the RTs where nothing happened
    units: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for n in nodes:
        unit = unit_of[n.id]
        if unit is None:
            continue
        row = units[unit]
        row[0] += residents[n.id][0]
        row[1] += active[n.id][0]
        row[2] += activities.get(n.id, 0)
        row[3] += check_ins.get(n.id, 0)
    figures.units = [
        UnitFigures(unit, rules.unit_label(by_id[unit].level, by_id[unit].name), *row)
        for unit, row in units.items()
    ]
    rts = [n for n in nodes if n.level == Level.RT]
    figures.rt_count = len(rts)
    quiet = [n for n in rts if not activities.get(n.id) and not active[n.id][0]]
    figures.quiet_rts = [_with_parent(n, by_id, scope.id) for n in quiet]

    # the same, unit by unit, for the monthly report (no statement more)
    reports = {u.wilayah_id: UnitReport(u.wilayah_id, u.name) for u in figures.units}
    for n in nodes:
        report = reports.get(unit_of[n.id])
        if report is None:
            continue
        report.residents += residents[n.id][0]
        report.residents_with_needs += residents[n.id][1]
        report.active += active[n.id][0]
        report.active_with_needs += active[n.id][1]
        report.activities += activities.get(n.id, 0)
        report.check_ins += check_ins.get(n.id, 0)
        for activity_kind, here in node_kinds.get(n.id, {}).items():
            into = report.by_kind.setdefault(activity_kind, KindFigures())
            into.activities += here.activities
            into.check_ins += here.check_ins
        if n.level == Level.RT:
            report.rt_count += 1
    for n in quiet:
        report = reports.get(unit_of[n.id])
        if report is not None:
            report.quiet_rts.append(_with_parent(n, by_id, report.wilayah_id))
    figures.unit_reports = sorted(reports.values(), key=lambda r: r.name)
    _decisions(figures, scope, start, end, {k: v[0] for k, v in residents.items()}, nodes)
    _arisan(figures, _in_scope(scope.path), _held(start, end, kind))
    return figures


def _with_parent(rt: Node, by_id: dict[int, Node], scope_id: int) -> str:
    label = rules.unit_label(rt.level, rt.name)
    parent = by_id.get(rt.parent_id)
    if parent is None or rt.id == scope_id or parent.id == scope_id:
        return label
    return f"{label} · {rules.unit_label(parent.level, parent.name)}"


def _decisions(figures: Figures, scope: Wilayah, start: datetime, end: datetime,
               residents: dict[int, int], nodes: list[Node]) -> None:  # fmt: skip
    """Usulan made in the period from the scope, their supports, and polls that closed in
    it with their ballots (on a phone and on paper) and the residents who could vote
    (turnout)."""
    from community.musyawarah.models import (
        PaperTally,
        Poll,
        PollVoter,
        Proposal,
        ProposalSupport,
    )

    origin = Wilayah.path.like(scope.path + "%")
    supports = (
        select(func.count(ProposalSupport.id))
        .join(Proposal, Proposal.id == ProposalSupport.proposal_id)
        .join(Wilayah, Wilayah.id == Proposal.origin_wilayah_id)
        .where(origin, ProposalSupport.created_at >= start, ProposalSupport.created_at < end)
        .scalar_subquery()
    )
    figures.proposals, figures.supports = db.session.execute(
        select(func.count(Proposal.id), supports)
        .join(Wilayah, Wilayah.id == Proposal.origin_wilayah_id)
        .where(origin, Proposal.created_at >= start, Proposal.created_at < end)
    ).one()
    rt_paths = [(n.path, residents.get(n.id, 0)) for n in nodes if n.level == Level.RT]
    # ballots of residents without a phone, entered by the pengurus (per poll)
    paper = PaperTally.counted_ballots(Poll.id)
    for path, voters, on_paper in db.session.execute(
        select(Wilayah.path, func.count(PollVoter.id), paper)
        .select_from(Poll)
        .join(Wilayah, Wilayah.id == Poll.wilayah_id)
        .outerjoin(PollVoter, PollVoter.poll_id == Poll.id)
        .where(origin, Poll.closes_at >= start, Poll.closes_at < end)
        .group_by(Poll.id, Wilayah.path)
    ):
        figures.polls_closed += 1
        figures.votes += voters + on_paper
        figures.eligible_voters += sum(n for p, n in rt_paths if p.startswith(path))


def _arisan(figures: Figures, in_scope, held: list) -> None:
    """Groups of the scope that met in the period, and how many people they have."""
    from community.arisan.models import ArisanGroup, ArisanMember, ArisanRound

    met = (
        select(ArisanRound.group_id)
        .join(Activity, Activity.id == ArisanRound.activity_id)
        .where(*held)
        .scalar_subquery()
    )
    figures.arisan_groups, figures.arisan_members = db.session.execute(
        select(func.count(distinct(ArisanGroup.id)), func.count(ArisanMember.id))
        .select_from(ArisanGroup)
        .outerjoin(ArisanMember, ArisanMember.group_id == ArisanGroup.id)
        .where(ArisanGroup.wilayah_id.in_(in_scope), ArisanGroup.id.in_(met))
    ).one()
