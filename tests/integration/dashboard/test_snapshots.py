"""The worker's counts of the city (#17): summed for any wilayah and any kind they give
the figures counted live, a page reads them (no answer table) and says when they were
counted, and what they cannot answer (two chosen dates, old counts) is counted live."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from community.areas.models import Wilayah
from community.core.time import WITA, utcnow
from community.dashboard import queries, rules, snapshots
from community.dashboard.models import DashboardSnapshot
from community.extensions import db
from tests.integration.dashboard.test_dashboard import _came, _figures, _held
from tests.statements import counting

COUNTED_AT = "Angka dihitung pukul"


@pytest.mark.parametrize("preset", ["bulan", "kuartal", "tahun"])
@pytest.mark.usefixtures("neighbourhood")
def test_the_city_s_counts_give_every_level_the_figures_counted_live(app, world, preset):
    now = utcnow()
    with app.app_context():
        took = snapshots.refresh(now)
        assert set(took) == {"bulan", "kuartal", "tahun"}
        period = rules.resolve_period(preset, None, None, now.astimezone(WITA).date())
        grain, computed_at = snapshots.current(period, now)
        assert computed_at == now
        for key in ("kota", "kelurahan", "rw", "rt_a", "rt_b", "rt_c"):
            scope = db.session.get(Wilayah, getattr(world, key).id)
            for kind in (None, "gotong_royong", "pengajian", "olahraga", "arisan"):
                live = queries.compute(scope, period, kind, now=now)
                summed = queries.from_snapshot(scope, period, kind, grain, computed_at)
                assert summed.as_of == now
                assert dataclasses.replace(summed, as_of=None) == live, (key, kind)
        if preset == "tahun":  # the neighbourhood's month is in it: the sums are not all 0
            scope = db.session.get(Wilayah, world.rw.id)
            summed = queries.from_snapshot(scope, period, None, grain, computed_at)
            assert (summed.active, summed.activities, summed.check_ins) == (9, 3, 8)
            gotong = queries.from_snapshot(scope, period, "gotong_royong", grain, computed_at)
            assert (gotong.active, gotong.active_with_needs, gotong.check_ins) == (6, 1, 6)


@pytest.mark.usefixtures("neighbourhood")
def test_the_page_sums_the_worker_s_counts_and_says_when_they_were_counted(app, world, as_user):
    ketua_rw = as_user(world["ketua_rw"])
    url = f"/dasbor/{world.rw.id}?periode=tahun"
    before = _figures(ketua_rw.get(url))
    counted = utcnow().replace(second=0, microsecond=0)
    with app.app_context():
        snapshots.refresh(counted)
    with counting(app) as statements:
        page = ketua_rw.get(url)
    text = page.get_data(as_text=True)
    clock = counted.astimezone(WITA).strftime("%H.%M")
    assert f"{COUNTED_AT} {clock} WITA dan diperbarui tiap 10 menit" in text
    assert _figures(page) == before
    assert not [s for s in statements if "rsvp" in s.lower() or "attendance" in s.lower()]
    # what happens after the count waits for the next one; the page says since when
    voli = _held(app, world, "rt_b", "olahraga", days_ago=1)
    _came(app, voli, [world["ketua_rw"].id])
    assert _figures(ketua_rw.get(url)) == before
    with app.app_context():
        snapshots.refresh(utcnow())
    assert _figures(ketua_rw.get(url))["Kegiatan terlaksana"] == "4"


@pytest.mark.usefixtures("neighbourhood")
def test_two_chosen_dates_or_old_counts_are_counted_live(app, world, as_user):
    ketua_rw = as_user(world["ketua_rw"])
    base = f"/dasbor/{world.rw.id}"
    with app.app_context():
        snapshots.refresh(utcnow() - rules.SNAPSHOT_MAX_AGE - timedelta(seconds=5))
    assert COUNTED_AT not in ketua_rw.get(f"{base}?periode=tahun").get_data(as_text=True)
    with app.app_context():
        snapshots.refresh(utcnow())
        assert db.session.query(DashboardSnapshot).count() == 3  # replaced, not added
    for query in ("periode=tahun", "periode=bulan&jenis=olahraga"):
        assert COUNTED_AT in ketua_rw.get(f"{base}?{query}").get_data(as_text=True), query
    page = ketua_rw.get(f"{base}?periode=atur&dari=2026-01-01&sampai=2026-02-01")
    assert page.status_code == 200
    assert COUNTED_AT not in page.get_data(as_text=True)


def test_the_worker_counts_the_dashboard_on_its_schedule(app, world):
    huey = app.extensions["rukun_queue"].huey

    def due(minute: int) -> dict:
        at = utcnow().replace(minute=minute, second=0, microsecond=0, tzinfo=None)
        return {task.name: task for task in huey.read_periodic(at)}

    assert "count_dashboard" not in due(25)
    task = due(20)["count_dashboard"]
    task.execute()
    with app.app_context():
        assert {row.preset for row in db.session.query(DashboardSnapshot)} == {
            "bulan",
            "kuartal",
            "tahun",
        }
