"""The dashboard (#17) on a hand-built neighbourhood: every figure compared with the number
counted by hand, the "<5" rule on the page and in the CSV, the filter form as the page
renders it, drill-down, charts, and nothing that names a person."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import lxml.etree
import lxml.html
import pytest
from sqlalchemy import select

from community.accounts.models import User
from community.areas.models import Wilayah
from community.core.time import WITA, utcnow
from community.events import answers, attendance
from community.events import services as events
from community.events.models import Activity
from community.extensions import db
from tests.conftest import text_of
from tests.forms import submit_form
from tests.statements import counting


def _held(app, world, rt_key: str, kind: str, days_ago: int, *, cancelled: bool = False) -> int:
    with app.app_context():
        scope = db.session.get(Wilayah, getattr(world, rt_key).id)
        organiser = db.session.get(User, world["pengurus_a"].id)
        starts = utcnow() - timedelta(days=days_ago)
        activity = events.create_activity(
            scope, by=organiser, now=starts - timedelta(days=7), kind=kind, title=f"{kind} lalu",
            place="Pos", starts_at=starts, ends_at=starts + timedelta(hours=2),
        )  # fmt: skip
        if cancelled:
            events.cancel_activity(activity, reason="Hujan", now=starts - timedelta(days=1))
        db.session.commit()
        return activity.id


def _came(app, activity_id: int, people: list[int], *, checked_in: bool = True) -> None:
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        for user_id in people:
            user = db.session.get(User, user_id)
            if checked_in:
                attendance.mark_attendance(activity, user=user, method="pengurus", by=None,
                                           now=activity.starts_at)  # fmt: skip
            else:
                answers.respond(activity, user, answer="hadir",
                                now=activity.starts_at - timedelta(days=1))  # fmt: skip
        db.session.commit()


@pytest.fixture
def neighbourhood(app, world, make_user):
    """RT A: 2 world residents (Siti with a wheelchair, Haji Rahmat) plus 9 made here = 11.
    RT B: Budi and Ahmad (ketua RW). RT C: nobody, nothing held (a quiet RT).

    In the last month: a gotong royong in RT A with 6 checked in (Siti among them), a
    pengajian in RT A where 2 more said Hadir and 1 of the 6 came again, a cancelled
    olahraga in RT A (not held), an olahraga in RT B with Budi checked in. The world's own
    activities are next week: not held yet."""
    with app.app_context():
        rt_a = db.session.get(Wilayah, world.rt_a.id)
        made = [make_user(f"Warga A{n}", rt_a).id for n in range(9)]
    siti = world["resident_a"].id
    gotong = _held(app, world, "rt_a", "gotong_royong", days_ago=10)
    _came(app, gotong, [siti, *made[:5]])
    ngaji = _held(app, world, "rt_a", "pengajian", days_ago=5)
    _came(app, ngaji, made[5:7], checked_in=False)
    _came(app, ngaji, [made[0]])
    _held(app, world, "rt_a", "olahraga", days_ago=3, cancelled=True)
    voli = _held(app, world, "rt_b", "olahraga", days_ago=2)
    _came(app, voli, [world["resident_b"].id])
    return made


def _figures(response) -> dict[str, str]:
    doc = lxml.html.document_fromstring(response.get_data(as_text=True))
    found = {}
    for item in doc.cssselect("#summary-heading ~ dl.figures > div"):
        found[item.cssselect("dt")[0].text_content().strip()] = " ".join(
            item.cssselect("dd")[0].text_content().split()
        )
    return found


def _rows(response, heading: str) -> dict[str, list[str]]:
    doc = lxml.html.document_fromstring(response.get_data(as_text=True))
    section = doc.cssselect(f"section[aria-labelledby={heading}]")[0]
    rows = {}
    for tr in section.cssselect("tbody tr"):
        cells = [" ".join(c.text_content().split()) for c in tr.cssselect("th, td")]
        rows[cells[0]] = cells[1:]
    return rows


def _last_month(world) -> dict[str, str]:
    today = utcnow().astimezone(WITA).date()
    return {"periode": "atur", "dari": str(today - timedelta(days=30)), "sampai": str(today)}


def test_the_rw_dashboard_counts_what_was_held_and_who_took_part(
    app, world, as_user, neighbourhood
):
    ketua_rw = as_user(world["ketua_rw"])

    page = ketua_rw.get(f"/dasbor/{world.rw.id}", query_string=_last_month(world))

    assert page.status_code == 200
    # residents of RW 01: RT A 11, RT B 2 (Budi, Ahmad) = 13; took part: RT A 6 + 2 = 8
    # (the one who came twice counts once), RT B 1 = 9 of 13 = 69 %; held: 3 (the cancelled
    # one and next week's are not); check-ins 7 + 1 = 8
    assert _figures(page) == {
        "Warga terdaftar": "13",
        "Warga aktif": "9 (69%)",
        "Kegiatan terlaksana": "3",
        "Kehadiran": "8",
    }
    units = _rows(page, "units-heading")
    # RT B's 2 residents, its 1 participant and 1 check-in are under five: "<5", no share
    assert units == {
        "RT 01": ["11", "8 (73%)", "2", "7"],
        "RT 02": ["<5", "<5 (–)", "1", "<5"],
    }
    social = _rows(page, "pillars-heading")
    assert social["Gotong royong"] == ["1", "6", "6"]
    assert social["Pengajian"] == ["1", "<5", "<5"]  # 1 check-in, 3 people
    assert social["Olahraga"] == ["1", "<5", "<5"]
    assert social["Pelatihan"] == ["0", "0", "0"]


def test_inclusion_compares_residents_with_needs_and_names_the_quiet_rts(
    app, world, as_user, neighbourhood
):
    page = as_user(world["admin_kelurahan"]).get(
        f"/dasbor/{world.kelurahan.id}", query_string=_last_month(world)
    )
    text = text_of(page)
    doc = lxml.html.document_fromstring(page.get_data(as_text=True))
    inclusion = doc.cssselect("section[aria-labelledby=inclusion-heading]")[0]
    figures = {
        d.cssselect("dt")[0].text_content().strip(): d.cssselect("dd")[0].text_content().strip()
        for d in inclusion.cssselect("dl.figures > div")
    }
    # only Siti declared a need: one person is "<5", and her share is never shown
    assert figures["Warga dengan kebutuhan khusus"] == "<5"
    assert figures["Yang aktif di antara mereka"] == "–"
    quiet = [li.text_content() for li in inclusion.cssselect(".quiet-list li")]
    assert quiet == ["RT 01 · RW 02"]  # RT C: nothing held, nobody from it came
    assert "1 dari 3 RT" in text
    assert "Siti" not in page.get_data(as_text=True)  # nobody is named on a dashboard


def test_the_filter_form_as_rendered_refuses_a_period_in_the_wrong_order(app, world, as_user):
    admin = as_user(world["admin_kelurahan"])
    url = f"/dasbor/{world.kelurahan.id}"

    wrong = submit_form(admin, url, "form.filter-form",
                        {"periode": "atur", "dari": "2026-11-30", "sampai": "2026-11-01"})  # fmt: skip
    too_long = submit_form(admin, url, "form.filter-form",
                           {"periode": "atur", "dari": "2019-01-01", "sampai": "2026-11-01"})  # fmt: skip
    bad_kind = admin.get(url, query_string={"jenis": "sabung_ayam"})
    missing = submit_form(admin, url, "form.filter-form", {"periode": "atur"})
    right = submit_form(admin, url, "form.filter-form",
                        {"periode": "atur", "dari": "2026-11-01", "sampai": "2026-11-30",
                         "jenis": "gotong_royong"})  # fmt: skip

    assert wrong.status_code == 422
    assert "Tanggal akhir harus sesudah tanggal mulai." in text_of(wrong)
    assert "Warga terdaftar" not in text_of(wrong)  # no figures for a period that is not one
    assert too_long.status_code == 422 and "Periode paling panjang 5 tahun." in text_of(too_long)
    assert bad_kind.status_code == 422
    assert missing.status_code == 422 and "Isi tanggal mulai dan tanggal akhir." in text_of(missing)
    assert right.status_code == 200
    assert "1 Nov 2026 sampai 30 Nov 2026" in text_of(right)
    assert "Jenis: Gotong royong." in text_of(right)


def test_drilling_down_keeps_the_filter_and_stops_at_what_the_official_may_see(
    app, world, as_user, neighbourhood
):
    admin = as_user(world["admin_kelurahan"])
    page = admin.get(f"/dasbor/{world.kelurahan.id}", query_string={"periode": "tahun"})
    doc = lxml.html.document_fromstring(page.get_data(as_text=True))
    link = next(a for a in doc.cssselect("#units-heading ~ div a") if a.text_content() == "RW 01")

    rw = admin.get(link.get("href"))

    assert rw.status_code == 200 and "periode=tahun" in link.get("href")
    assert "Dasbor partisipasi: RW 01" in text_of(rw)
    crumbs = lxml.html.document_fromstring(rw.get_data(as_text=True)).cssselect(".breadcrumbs a")
    assert [a.text_content() for a in crumbs] == ["Kelurahan Komet"]  # not the kota above her
    # the ketua RW sees no link up to the kelurahan
    own = as_user(world["ketua_rw"]).get(f"/dasbor/{world.rw.id}")
    assert lxml.html.document_fromstring(own.get_data(as_text=True)).cssselect(".breadcrumbs") == []


def test_units_sort_by_the_column_header(app, world, as_user, neighbourhood):
    ketua_rw = as_user(world["ketua_rw"])
    page = ketua_rw.get(
        f"/dasbor/{world.rw.id}", query_string={**_last_month(world), "urut": "nama"}
    )
    doc = lxml.html.document_fromstring(page.get_data(as_text=True))
    sorted_by = doc.cssselect("th[aria-sort]")
    assert [th.text_content() for th in sorted_by] == ["Wilayah"]
    assert sorted_by[0].get("aria-sort") == "ascending"
    by_activities = ketua_rw.get(f"/dasbor/{world.rw.id}",
                                 query_string={**_last_month(world), "urut": "kegiatan"})  # fmt: skip
    assert list(_rows(by_activities, "units-heading")) == ["RT 01", "RT 02"]
    unknown = ketua_rw.get(f"/dasbor/{world.rw.id}", query_string={"urut": "<script>"})
    assert unknown.status_code == 200  # an unknown order is the default one, not an error


def test_the_csv_holds_the_tables_with_the_same_suppression(app, world, as_user, neighbourhood):
    ketua_rw = as_user(world["ketua_rw"])
    args = _last_month(world)

    units = ketua_rw.get(f"/dasbor/{world.rw.id}/unduh/unit.csv", query_string=args)
    summary = ketua_rw.get(f"/dasbor/{world.rw.id}/unduh/ringkasan.csv", query_string=args)

    assert units.mimetype == "text/csv"
    assert units.headers["Content-Disposition"].startswith('attachment; filename="dasbor-rw-')
    body = units.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows == [
        ["wilayah", "warga_terdaftar", "warga_aktif", "persen_aktif", "kegiatan", "kehadiran"],
        ["RT 01", "11", "8", "73", "2", "7"],
        ["RT 02", "<5", "<5", "", "1", "<5"],
    ]
    table = dict(csv.reader(io.StringIO(summary.get_data(as_text=True).lstrip("\ufeff")),
                            delimiter=";"))  # fmt: skip
    assert table["warga_aktif"] == "9" and table["persen_warga_aktif"] == "69"
    assert table["warga_berkebutuhan_khusus"] == "<5"
    bad = ketua_rw.get(f"/dasbor/{world.rw.id}/unduh/unit.csv", query_string={"periode": "x"})
    assert bad.status_code == 422


def test_charts_are_svg_images_that_can_run_nothing(app, world, as_user, neighbourhood):
    admin = as_user(world["admin_kelurahan"])
    page = admin.get(f"/dasbor/{world.kelurahan.id}")
    doc = lxml.html.document_fromstring(page.get_data(as_text=True))
    sources = [img.get("src") for img in doc.cssselect("img.chart")]
    assert len(sources) == 3 and all(img.get("alt") for img in doc.cssselect("img.chart"))

    for src in sources:
        chart = admin.get(src)
        assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
        assert chart.headers["Content-Security-Policy"].startswith("default-src 'none'")
        svg = lxml.etree.fromstring(chart.get_data())
        assert svg.tag.endswith("svg")
    monthly = admin.get(sources[1]).get_data(as_text=True)
    assert "Warga aktif" in monthly and "Kegiatan" in monthly


def test_the_page_asks_the_database_the_same_number_of_times_at_any_size(
    app, world, as_user, make_user
):
    admin = as_user(world["admin_kelurahan"])
    url = f"/dasbor/{world.kelurahan.id}"
    with counting(app) as small:
        assert admin.get(url).status_code == 200
    with app.app_context():
        rt_c = db.session.get(Wilayah, world.rt_c.id)
        people = [make_user(f"Warga C{n}", rt_c).id for n in range(8)]
    for days in (3, 9, 40):
        held = _held(app, world, "rt_c", "pelatihan", days_ago=days)
        _came(app, held, people)
    with counting(app) as big:
        assert admin.get(url).status_code == 200
    assert len(big) == len(small)


@pytest.mark.parametrize("app_config", [{"DASHBOARD_CACHE_SECONDS": 60}], indirect=True)
def test_the_page_and_its_charts_share_one_computation_for_a_minute(app, world, as_user):
    admin = as_user(world["admin_kelurahan"])
    url = f"/dasbor/{world.kelurahan.id}"
    app.extensions.pop("dashboard_cache", None)
    with counting(app) as first:
        admin.get(url)
    with counting(app) as again:
        admin.get(f"{url}/grafik/bulan.svg")
    assert len(again) < len(first) - 5  # the figures came from the cache
    with app.app_context():
        assert db.session.scalar(select(Activity.id).limit(1)) is not None
    app.extensions.pop("dashboard_cache", None)


@pytest.mark.first_pass_only  # the HTML does not depend on the database
def test_the_dashboard_pages_are_valid_html(app, world, as_user, neighbourhood, tmp_path):
    from tests.integration.test_html_valid import assert_pages_are_valid_html

    admin = as_user(world["admin_kelurahan"])
    kota = as_user(world["admin_kota"])
    pages = [
        ("kelurahan", admin.get(f"/dasbor/{world.kelurahan.id}")),
        ("rw-sorted", admin.get(f"/dasbor/{world.rw.id}", query_string={"urut": "kegiatan"})),
        ("rt", as_user(world["pengurus_a"]).get(f"/dasbor/{world.rt_a.id}")),
        ("kota", kota.get(f"/dasbor/{world.kota.id}", query_string={"periode": "tahun"})),
        ("bad-period", admin.get(f"/dasbor/{world.kelurahan.id}",
                                 query_string={"periode": "atur", "dari": "2026-02-01"})),
        ("report", admin.get(f"/dasbor/{world.kelurahan.id}/laporan")),
        ("report-rt", as_user(world["pengurus_a"]).get(f"/dasbor/{world.rt_a.id}/laporan")),
        ("report-future", admin.get(f"/dasbor/{world.kelurahan.id}/laporan",
                                    query_string={"bulan": "2999-01"})),
    ]  # fmt: skip
    assert_pages_are_valid_html(pages, tmp_path)


@pytest.fixture
def last_month(app, world):
    """In the last whole month (the report's default), on its 15th: a gotong royong in RT A
    with Siti and 5 neighbours checked in, and an olahraga in RT B with Budi. RT C (RW 02)
    holds nothing: a quiet RT."""
    from community.dashboard import rules

    today = utcnow().astimezone(WITA).date()
    month = rules.report_month(None, today)
    days_ago = (today - month.first.replace(day=15)).days
    gotong = _held(app, world, "rt_a", "gotong_royong", days_ago=days_ago)
    _came(app, gotong, [world["resident_a"].id, world["pengurus_a"].id])
    voli = _held(app, world, "rt_b", "olahraga", days_ago=days_ago)
    _came(app, voli, [world["resident_b"].id])
    return month


def _report_pages(response) -> dict[str, dict[str, str]]:
    """Each page of the report (its heading's first words) with its figures."""
    doc = lxml.html.document_fromstring(response.get_data(as_text=True))
    pages = {}
    for section in doc.cssselect("section.report-page"):
        heading = " ".join(section.cssselect("h2")[0].text_content().split())
        figures = {
            d.cssselect("dt")[0].text_content().strip(): " ".join(
                d.cssselect("dd")[0].text_content().split()
            )
            for d in section.cssselect("dl.figures > div")
        }
        kinds = {
            " ".join(tr.cssselect("th")[0].text_content().split()): [
                td.text_content().strip() for td in tr.cssselect("td")
            ]
            for tr in section.cssselect("table tbody tr")
        }
        pages[heading.split(" ·")[0]] = {**figures, "kinds": kinds,
                                          "text": " ".join(section.text_content().split())}  # fmt: skip
    return pages


def test_the_monthly_report_has_a_page_per_unit_for_the_month_asked(
    app, world, as_user, last_month
):
    admin = as_user(world["admin_kelurahan"])
    dashboard = admin.get(f"/dasbor/{world.kelurahan.id}")
    doc = lxml.html.document_fromstring(dashboard.get_data(as_text=True))
    link = next(
        a for a in doc.cssselect("a") if a.text_content() == "Laporan bulanan untuk dicetak"
    )
    month = f"{last_month.first:%Y-%m}"

    report = submit_form(admin, link.get("href"), "form.filter-form", {"bulan": month})

    assert report.status_code == 200
    pages = _report_pages(report)
    assert list(pages) == ["Ringkasan Kelurahan Komet", "RW 01", "RW 02"]
    summary, rw1, rw2 = pages.values()
    assert summary["Kegiatan terlaksana"] == "2"
    assert summary["Kehadiran"] == "<5"  # three people checked in
    assert rw1["Kegiatan terlaksana"] == "2" and rw1["Kehadiran"] == "<5"
    assert rw1["kinds"]["Gotong royong"][1:3] == ["1", "<5"]  # pillar, activities, check-ins
    assert rw1["kinds"]["Pelatihan"][1:3] == ["0", "0"]
    assert rw2["Kegiatan terlaksana"] == "0"
    assert "RT sepi: 1 dari 1 RT." in rw2["text"] and "RT 01" in rw2["text"]
    assert "Tidak ada RT sepi" in rw1["text"]
    body = report.get_data(as_text=True)
    assert "Siti" not in body and "Budi" not in body  # nobody is named in a report


def test_the_report_refuses_a_month_to_come_and_what_is_not_a_month(app, world, as_user):
    admin = as_user(world["admin_kelurahan"])
    url = f"/dasbor/{world.kelurahan.id}/laporan"
    today = utcnow().astimezone(WITA).date()
    coming = f"{today.year + 1}-01"

    future = submit_form(admin, url, "form.filter-form", {"bulan": coming})
    garbage = admin.get(url, query_string={"bulan": "2026-13"})
    default = admin.get(url)

    assert future.status_code == 422
    assert "Bulan itu belum dimulai." in text_of(future)
    assert "Warga terdaftar" not in text_of(future)
    assert garbage.status_code == 422 and "Warga terdaftar" not in text_of(garbage)
    assert default.status_code == 200 and "Ringkasan Kelurahan Komet" in text_of(default)


def test_decisions_count_usulan_supports_and_turnout_with_paper_ballots(
    app, world, as_user, neighbourhood
):
    from community.musyawarah import services as musyawarah

    now = utcnow()
    with app.app_context():
        rt_a = db.session.get(Wilayah, world.rt_a.id)
        siti = db.session.get(User, world["resident_a"].id)
        pengurus = db.session.get(User, world["pengurus_a"].id)
        made = [db.session.get(User, i) for i in neighbourhood]
        lamp = musyawarah.propose(rt_a, by=siti, title="Lampu jalan", body="Gelap",
                                  category="infrastruktur", location="Gang 3",
                                  now=now - timedelta(days=10))  # fmt: skip
        for person in made[:6]:
            musyawarah.support(lamp, person, now=now - timedelta(days=9))
        poll = musyawarah.create_poll(rt_a, by=pengurus, question="Hari kerja bakti",
                                      description="", kind="tunggal", options=["Sabtu", "Minggu"],
                                      max_choices=1, is_secret=False, shows_live=False,
                                      opens_at=now - timedelta(days=6),
                                      closes_at=now - timedelta(days=2),
                                      now=now - timedelta(days=7))  # fmt: skip
        sabtu, minggu = (o.id for o in poll.options)
        for person in made[:2]:
            musyawarah.vote(poll, person, [sabtu], now=now - timedelta(days=5))
        # three residents without a phone voted on paper at the meeting
        musyawarah.enter_paper(poll, by=pengurus, ballots=3, votes={sabtu: 1, minggu: 2},
                               now=now - timedelta(days=1))  # fmt: skip
        # ... and a batch typed twice by mistake, withdrawn: not counted
        twice = musyawarah.enter_paper(poll, by=pengurus, ballots=3, votes={sabtu: 1, minggu: 2},
                                       now=now - timedelta(days=1))  # fmt: skip
        musyawarah.withdraw_paper(poll, twice, by=pengurus, now=now - timedelta(days=1))
        db.session.commit()
    page = as_user(world["ketua_rw"]).get(f"/dasbor/{world.rw.id}", query_string=_last_month(world))

    found = _figures_in(page, "Partisipasi dalam keputusan")
    assert found["Usulan warga"] == "1"
    assert found["Dukungan untuk usulan"] == "6"
    assert found["Jajak pendapat selesai"] == "1"
    # 2 on the phone + 3 on paper = 5 ballots; who could vote: RT A's 11 residents
    assert found["Partisipasi pemilih"] == "45% (5 suara dari 11 warga)"


def _figures_in(response, heading: str) -> dict[str, str]:
    """The dt/dd figures that follow the heading ``heading``."""
    doc = lxml.html.document_fromstring(response.get_data(as_text=True))
    title = next(h for h in doc.cssselect("h3") if h.text_content().strip() == heading)
    figures = title.getnext()
    while figures.tag != "dl":
        figures = figures.getnext()
    return {
        div.cssselect("dt")[0].text_content().strip(): " ".join(
            div.cssselect("dd")[0].text_content().split()
        )
        for div in figures.cssselect("div")
    }
