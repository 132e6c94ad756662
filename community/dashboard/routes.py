"""Routes of the dashboard: /dasbor sends an official to their own wilayah; each wilayah's
page has its figures, charts (SVG images) and CSV downloads. Who may see a wilayah's
dashboard is who may see its management overview (``Action.VIEW_OVERVIEW``: a role on it or
above it); its residents get 403, everyone else 404."""

from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from community.areas import services as areas
from community.areas.models import Wilayah
from community.core.authz import Action, grants_of, require
from community.core.time import WITA, utcnow
from community.dashboard import bp, charts, queries, rules, snapshots
from community.dashboard.forms import PERIOD_MESSAGES, FilterForm, ReportForm
from community.dashboard.rules import PeriodError, SortKey
from community.events.forms import KIND_LABELS
from community.extensions import db
from community.web.downloads import csv_response
from community.web.htmx import render
from community.web.i18n import labels

unit_name = rules.unit_label


def _scope(wilayah_id: int) -> Wilayah:
    node = areas.get_wilayah(wilayah_id)
    require(Action.VIEW_OVERVIEW, node)
    return node


def _filters(form: FilterForm) -> tuple[rules.Period, str | None] | None:
    """The period and kind asked for, or None with the form's errors set."""
    if not form.validate():
        return None
    try:
        period = rules.resolve_period(form.periode.data, form.dari.data, form.sampai.data,
                                      utcnow().astimezone(WITA).date())  # fmt: skip
    except PeriodError as exc:
        target = form.periode if exc.code == "preset" else form.sampai
        if exc.code == "missing":
            target = form.dari if form.dari.data is None else form.sampai
        target.errors = [*target.errors, str(PERIOD_MESSAGES[exc.code])]
        return None
    return period, form.jenis.data or None


def _figures(scope: Wilayah, period: rules.Period, kind: str | None) -> queries.Figures:
    """From the worker's snapshot of the city when it answers this period, else counted."""
    now = utcnow()
    found = snapshots.current(period, now)
    if found is None:
        return queries.cached(scope, period, kind, now=now)
    return queries.from_snapshot(scope, period, kind, *found)


def _breadcrumbs(scope: Wilayah) -> list[Wilayah]:
    """The scope's ancestors the viewer may open too, from the highest."""
    chain, node = [], scope.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    grant_paths = [g.path for g in grants_of(current_user)]
    return [n for n in reversed(chain) if any(n.path.startswith(p) for p in grant_paths)]


def _query_args(**extra) -> dict:
    """The filter as it was asked, for links to other units, charts and downloads."""
    keep = {
        k: v for k, v in request.args.items() if k in ("periode", "dari", "sampai", "jenis", "urut")
    }
    keep.update(extra)
    return keep


@bp.get("/dasbor")
@login_required
def home():
    """Anyone holding a role (pengurus RT, ketua RW, admins; residents and the signed-out
    404 / sign-in): 303 to the dashboard of their highest wilayah, or a list to choose from
    when they hold roles on several."""
    tops = _top_scopes()
    if not tops:
        abort(404)
    if len(tops) == 1:
        return redirect(url_for("dashboard.scope", wilayah_id=tops[0].id), code=303)
    return render("dashboard/choose.html", scopes=tops, unit_name=unit_name)


def _top_scopes() -> list[Wilayah]:
    paths = sorted({g.path for g in grants_of(current_user) if g.path}, key=len)
    tops = [p for i, p in enumerate(paths) if not any(p.startswith(q) for q in paths[:i])]
    if not tops:
        return []
    nodes = db.session.scalars(db.select(Wilayah).where(Wilayah.path.in_(tops))).all()
    return sorted(nodes, key=lambda n: n.path)


@bp.get("/dasbor/<int:wilayah_id>")
@login_required
def scope(wilayah_id: int):
    """Whoever holds a role on the wilayah or above it (VIEW_OVERVIEW; its residents 403,
    others 404): the participation figures of the wilayah's subtree for a period (``periode``
    = bulan / kuartal (default) / tahun / atur with ``dari`` and ``sampai``) and an activity
    kind (``jenis``), by pillar, with charts, the units ranked (``urut``), the RTs where
    nothing happened, and CSV downloads. Counts of fewer than 5 people show as "<5". A bad
    period or kind: 422 with the form and the reason."""
    node = _scope(wilayah_id)
    form = FilterForm(request.args)
    asked = _filters(form)
    if asked is None:
        return render("dashboard/scope.html", status=422, scope=node, form=form, figures=None,
                      breadcrumbs=_breadcrumbs(node), unit_name=unit_name)  # fmt: skip
    period, kind = asked
    figures = _figures(node, period, kind)
    sort = request.args.get("urut", SortKey.AKTIF)
    if sort not in set(SortKey):
        sort = SortKey.AKTIF
    return render(
        "dashboard/scope.html",
        scope=node,
        form=form,
        figures=figures,
        units=rules.rank(figures.units, sort),
        sort=sort,
        sort_keys=SortKey,
        kind_labels=labels(KIND_LABELS),
        month_labels=_month_labels(figures),
        breadcrumbs=_breadcrumbs(node),
        unit_name=unit_name,
        args=_query_args(),
        count=_hide,  # a count of people as shown: "<5" under five
        period_text=_period_text(period),
        snapshot_minutes=rules.SNAPSHOT_EVERY_MINUTES,
    )


def _month_labels(figures: queries.Figures) -> list[str]:
    from datetime import date

    return [
        format_date(date(int(m.month[:4]), int(m.month[5:]), 1), "MMM yyyy")
        for m in figures.by_month
    ]


def _period_text(period: rules.Period) -> str:
    return _("%(first)s sampai %(last)s", first=format_date(period.first, "d MMM yyyy"),
             last=format_date(period.last, "d MMM yyyy"))  # fmt: skip


@bp.get("/dasbor/<int:wilayah_id>/grafik/<any(jenis, bulan, unit):name>.svg")
@login_required
def chart(wilayah_id: int, name: str):
    """Whoever may see the dashboard page (VIEW_OVERVIEW; residents 403, others 404): one of
    its charts as an SVG image for the same filter (``jenis``: activities by kind,
    ``bulan``: the monthly trend, ``unit``: the units' share of residents who took part);
    422 on a bad filter."""
    node = _scope(wilayah_id)
    asked = _filters(FilterForm(request.args))
    if asked is None:
        abort(422)
    period, kind = asked
    figures = _figures(node, period, kind)
    if name == "jenis":
        svg = charts.by_kind(figures, labels(KIND_LABELS), _("Kegiatan menurut jenis"),
                             _("Kegiatan"))  # fmt: skip
    elif name == "bulan":
        svg = charts.by_month(figures, _month_labels(figures), _("Tren bulanan"), _("Kegiatan"),
                              _("Warga aktif"))  # fmt: skip
    else:
        sort = request.args.get("urut", SortKey.AKTIF)
        units = rules.rank(figures.units, sort if sort in set(SortKey) else SortKey.AKTIF)
        svg = charts.by_unit(units, _("Warga aktif per wilayah (%)"), _("Warga aktif (%)"))
    svg, csp = charts.secured(svg)
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = csp
    return response


@bp.get("/dasbor/<int:wilayah_id>/laporan")
@login_required
def report(wilayah_id: int):
    """Whoever may see the dashboard page (VIEW_OVERVIEW; residents 403, others 404): the
    printable monthly report of the wilayah for a kelurahan meeting, for the month
    ``bulan`` (YYYY-MM; by default the last whole month): a page with the wilayah's figures,
    then one page per unit below it. Counts of fewer than 5 people show as "<5". A month not
    yet begun or not a month: 422 with the form and the reason."""
    node = _scope(wilayah_id)
    form = ReportForm(request.args)
    context = dict(scope=node, form=form, unit_name=unit_name, kind_labels=labels(KIND_LABELS),
                   count=_hide)  # fmt: skip
    if not form.validate():
        return render("dashboard/report.html", status=422, figures=None, **context)
    today = utcnow().astimezone(WITA).date()
    try:
        period = rules.report_month(form.bulan.data, today)
    except PeriodError as exc:
        form.bulan.errors = [*form.bulan.errors, str(PERIOD_MESSAGES[exc.code])]
        return render("dashboard/report.html", status=422, figures=None, **context)
    figures = _figures(node, period, None)
    return render(
        "dashboard/report.html",
        figures=figures,
        month_text=format_date(period.first, "MMMM yyyy"),
        period_text=_period_text(period),
        printed=format_date(today, "d MMMM yyyy"),
        **context,
    )


TABLES = ("unit", "jenis", "bulan", "ringkasan")


@bp.get("/dasbor/<int:wilayah_id>/unduh/<any(unit, jenis, bulan, ringkasan):table>.csv")
@login_required
def export(wilayah_id: int, table: str):
    """Whoever may see the dashboard page (VIEW_OVERVIEW; residents 403, others 404): one of
    its tables as a CSV download for the same filter, "<5" where the page shows it; 422 on
    a bad filter."""
    node = _scope(wilayah_id)
    asked = _filters(FilterForm(request.args))
    if asked is None:
        abort(422)
    period, kind = asked
    figures = _figures(node, period, kind)
    hide = _hide
    if table == "unit":
        header = [
            "wilayah",
            "warga_terdaftar",
            "warga_aktif",
            "persen_aktif",
            "kegiatan",
            "kehadiran",
        ]
        rows = [[u.name, hide(u.residents), hide(u.active), _pct(u.active_share), u.activities,
                 hide(u.check_ins)] for u in rules.rank(figures.units, SortKey.NAMA)]  # fmt: skip
    elif table == "jenis":
        kinds = labels(KIND_LABELS)
        header = ["jenis", "kegiatan", "kehadiran", "warga_ikut"]
        rows = [[kinds[k], f.activities, hide(f.check_ins), hide(f.people)]
                for k, f in sorted(figures.by_kind.items())]  # fmt: skip
    elif table == "bulan":
        header = ["bulan", "kegiatan", "kehadiran", "warga_aktif"]
        rows = [[m.month, m.activities, hide(m.check_ins), hide(m.people)]
                for m in figures.by_month]  # fmt: skip
    else:
        header = ["angka", "nilai"]
        rows = _summary_rows(figures)
    name = f"dasbor-{node.level}-{node.id}-{table}-{period.first}-{period.last}.csv"
    return csv_response(name, header, rows)


def _hide(people: int) -> int | str:
    """A count of people as the page and the CSV show it: "<5" under five."""
    return "<5" if rules.hidden(people) else people


def _pct(value: int | None) -> str:
    return "" if value is None else str(value)


def _summary_rows(f: queries.Figures) -> list[list]:
    return [
        ["warga_terdaftar", _hide(f.residents)],
        ["warga_aktif", _hide(f.active)],
        ["persen_warga_aktif", _pct(f.active_share)],
        ["kegiatan", f.activities],
        ["kehadiran", _hide(f.check_ins)],
        ["warga_berkebutuhan_khusus", _hide(f.residents_with_needs)],
        ["warga_berkebutuhan_khusus_aktif", _hide(f.active_with_needs)],
        ["persen_berkebutuhan_khusus_aktif", _pct(f.active_with_needs_share)],
        ["rt_sepi", len(f.quiet_rts)],
        ["jumlah_rt", f.rt_count],
        ["usulan", f.proposals],
        ["dukungan", _hide(f.supports)],
        ["jajak_pendapat_selesai", f.polls_closed],
        ["suara", _hide(f.votes)],
        ["persen_partisipasi_pemilih", _pct(f.turnout)],
        ["kelompok_arisan_aktif", f.arisan_groups],
        ["anggota_arisan", _hide(f.arisan_members)],
    ]
