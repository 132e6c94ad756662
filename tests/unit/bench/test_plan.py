"""The benchmark's city plan: the real counts of Banjarbaru, spread by population share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from community.bench import data


def test_apportion_keeps_the_total_and_the_minimum():
    assert data.apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert data.apportion(7, [100, 1, 1], minimum=1) == [5, 1, 1]
    assert sum(data.apportion(599, [0.3, 0.14, 0.19, 0.19, 0.18])) == 599
    with pytest.raises(ValueError):
        data.apportion(2, [1, 1, 1], minimum=1)


def test_city_plan_has_every_kelurahan_and_the_sources_counts():
    source = data.load_wilayah_data()
    plans = data.plan("city", source)
    assert sorted(p.name for p in plans) == sorted(
        kel for kels in source["kecamatan"].values() for kel in kels
    )
    assert sum(len(p.rts_per_rw) for p in plans) == source["rw_count"] == 125
    assert sum(sum(p.rts_per_rw) for p in plans) == source["rt_count"] == 599
    assert sum(p.residents for p in plans) == data.CITY_RESIDENTS
    assert all(min(p.rts_per_rw) >= 1 for p in plans)
    # Residents follow the kecamatan's population shares (Landasan Ulin 30 %, Cempaka 14 %).
    by_kecamatan = {}
    for p in plans:
        by_kecamatan[p.kecamatan] = by_kecamatan.get(p.kecamatan, 0) + p.residents
    assert by_kecamatan["Landasan Ulin"] == pytest.approx(30_130, abs=5)
    assert by_kecamatan["Cempaka"] == pytest.approx(14_010, abs=5)


def test_smaller_scales_are_komet():
    assert [p.name for p in data.plan("kelurahan")] == ["Komet"]
    (demo,) = data.plan("demo")
    assert (demo.name, demo.rts_per_rw, demo.residents) == ("Komet", (3, 2), 150)
    with pytest.raises(ValueError):
        data.plan("province")


@pytest.mark.parametrize("hours", range(0, 15 * 24, 7))
def test_the_datas_now_is_the_latest_tuesday_morning_so_something_is_always_upcoming(hours):
    now = datetime(2027, 6, 30, 5, 0, tzinfo=UTC) + timedelta(hours=hours)  # past any fixed day
    anchor = data.last_tuesday_morning(now)
    assert anchor.weekday() == 1 and (anchor.hour, anchor.minute) == (2, 0)  # 10.00 WITA
    assert now - timedelta(days=7) < anchor <= now
