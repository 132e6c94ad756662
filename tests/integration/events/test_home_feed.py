"""The home feed in pages: a recurring series is one card (its next meeting), every
activity is reachable through "Lihat lebih banyak" (a plain link, appended in place by
htmx), the kind filter holds across pages, and each page costs a fixed number of SQL
statements. The past list pages the same way.

Times are relative to the real clock because the routes read it; every date here is
days away from any boundary.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import lxml.html
import pytest

from community.accounts.models import User
from community.areas.models import Wilayah
from community.core.time import WITA, utcnow
from community.events import answers, rules, services
from community.events.models import Activity
from community.extensions import db
from tests.integration.events.conftest import HX, said, set_activity
from tests.statements import counting

PAGE = rules.FEED_PAGE_SIZE


def _wita_day(days: int, hour: int = 7) -> datetime:
    """``days`` from today at ``hour`` o'clock WITA."""
    today = utcnow().astimezone(WITA).replace(hour=hour, minute=0, second=0, microsecond=0)
    return today + timedelta(days=days)


def next_saturday(hour: int = 7) -> datetime:
    """The coming Saturday (never today), at ``hour`` o'clock WITA."""
    today = utcnow().astimezone(WITA)
    return _wita_day((5 - today.weekday() - 1) % 7 + 1, hour)


def add_activity(app, world, title: str, starts: datetime, *, scope="rt_a", kind="arisan"):
    with app.app_context():
        node = db.session.get(Wilayah, getattr(world, scope).id)
        organiser = db.session.get(User, world["admin_kota"].id)
        activity = services.create_activity(
            node, by=organiser, now=utcnow(), kind=kind, title=title, place="Balai RT",
            starts_at=starts, ends_at=starts + timedelta(hours=2),
        )  # fmt: skip
        db.session.commit()
        return activity.id


def add_series(app, world, title: str, first: datetime, count: int, *, kind="pengajian"):
    """A weekly series of ``count`` meetings for RW 01, the first at ``first``."""
    with app.app_context():
        node = db.session.get(Wilayah, world.rw.id)
        organiser = db.session.get(User, world["admin_kota"].id)
        rule = rules.recurrence_rule("weekly", first, until=None, count=count)
        meetings = services.create_series(
            node, by=organiser, now=utcnow(), rule=rule, kind=kind, title=title,
            place="Musala", starts_at=first, ends_at=first + timedelta(hours=1),
        )  # fmt: skip
        db.session.commit()
        return [m.id for m in meetings]


def cards(response) -> list[str]:
    """The titles of the activity cards of a page (or fragment), in order."""
    body = response.get_data(as_text=True)
    return [
        html.unescape(m)
        for m in re.findall(r'<h3 class="activity-title"><a href="[^"]+"[^>]*>([^<]*)</a>', body)
    ]


def more_link(response) -> str | None:
    """The href of "Lihat lebih banyak", or ``None`` when the page has none."""
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    links = [a for a in doc.iter("a") if a.text_content().strip() == "Lihat lebih banyak"]
    assert len(links) <= 1
    return links[0].get("href") if links else None


def follow_all(client, url: str, headers: dict | None = None) -> list[list[str]]:
    """The cards of every page, following "Lihat lebih banyak" to the end."""
    pages = []
    while url is not None:
        response = client.get(url, headers=headers or {})
        assert response.status_code == 200
        pages.append(cards(response))
        url = more_link(response)
        assert len(pages) < 20, "the links never end"
    return pages


# --- a series is one card -----------------------------------------------------------------


def test_a_one_off_next_saturday_is_on_semua_beside_60_weekly_meetings(app, world, as_user):
    add_series(app, world, "Pengajian rutin", _wita_day(1, 19), 60)
    saturday = next_saturday()
    add_activity(app, world, "Gotong royong Sabtu", saturday, kind="gotong_royong")
    client = as_user(world["resident_a"])

    semua = cards(client.get("/"))
    assert "Gotong royong Sabtu" in semua
    assert semua.count("Pengajian rutin") == 1  # the series once, as its next meeting
    gotong_royong = cards(client.get("/?jenis=gotong_royong"))
    assert sorted(gotong_royong) == ["Gotong royong Sabtu", "Kerja bakti saluran RT 01"]
    assert more_link(client.get("/")) is None  # four cards: one page


def test_weekly_routines_use_one_card_each_so_a_kerja_bakti_in_seven_weeks_is_on_semua(
    app, world, as_user
):
    """Eight routines a week (pengajian, senam, ronda...) of 60 meetings each: 56 meetings
    come before the kerja bakti, but only eight cards."""
    for n in range(8):
        add_series(app, world, f"Rutin ke-{n}", _wita_day(1 + n % 7, 16 + n % 3), 60)
    add_activity(app, world, "Kerja bakti besar", next_saturday() + timedelta(weeks=6),
                 kind="gotong_royong")  # fmt: skip
    client = as_user(world["resident_a"])

    pages = follow_all(client, "/")
    semua = [title for page in pages for title in page]
    assert "Kerja bakti besar" in semua
    assert len(semua) == len(set(semua)) == 8 + 2 + 1  # the routines, the world's two, it
    assert len(pages) == 2  # eleven cards: one tap on "Lihat lebih banyak", not 56 meetings
    assert cards(client.get("/?jenis=gotong_royong")) == [
        "Kerja bakti saluran RT 01",
        "Kerja bakti besar",
    ]


def test_a_series_shows_its_next_meeting_once_across_all_pages(app, world, as_user):
    meetings = add_series(app, world, "Yasinan mingguan", _wita_day(3, 19), 60)
    for n in range(45):
        add_activity(app, world, f"Arisan ke-{n:02d}", _wita_day(1 + n, 10))
    pages = follow_all(as_user(world["resident_a"]), "/")

    everything = [title for page in pages for title in page]
    assert everything.count("Yasinan mingguan") == 1
    assert sorted(t for t in everything if t.startswith("Arisan")) == [
        f"Arisan ke-{n:02d}" for n in range(45)
    ]
    assert len(everything) == 45 + 1 + 2
    page = as_user(world["resident_a"]).get("/").get_data(as_text=True)
    assert f'href="/kegiatan/{meetings[0]}">Yasinan mingguan<' in page  # the next meeting


def test_a_series_card_is_its_first_meeting_that_has_not_ended(app, world, as_user):
    meetings = add_series(app, world, "Senam lansia", _wita_day(2, 6), 10, kind="olahraga")
    for days, activity_id in ((15, meetings[0]), (8, meetings[1])):  # both already held
        starts = _wita_day(-days, 6)
        set_activity(app, activity_id, starts_at=starts, ends_at=starts + timedelta(hours=1))
    page = as_user(world["resident_a"]).get("/?jenis=olahraga").get_data(as_text=True)
    assert f'href="/kegiatan/{meetings[2]}">Senam lansia<' in page
    assert page.count(">Senam lansia<") == 1


# --- every activity is reachable ----------------------------------------------------------


def test_70_one_off_activities_are_all_reachable_through_lihat_lebih_banyak(app, world, as_user):
    titles = [f"Kegiatan ke-{n:02d}" for n in range(70)]
    for n, title in enumerate(titles):
        add_activity(app, world, title, _wita_day(1 + n // 2, 8 + n % 2 * 6))
    client = as_user(world["resident_a"])

    pages = follow_all(client, "/")  # without JavaScript: the link is a real link
    full, rest = divmod(72, PAGE)
    assert [len(p) for p in pages] == [PAGE] * full + ([rest] if rest else [])  # no empty page
    everything = [title for page in pages for title in page]
    assert [t for t in everything if t in titles] == titles  # each once, soonest first
    assert len(everything) == 72  # and the world's two

    first = client.get("/")
    assert "Kegiatan mendatang" in said(first)
    assert more_link(first).startswith("/?setelah=")


def test_lihat_lebih_banyak_with_htmx_answers_only_the_next_cards(app, world, as_user):
    for n in range(PAGE + 5):
        add_activity(app, world, f"Arisan ke-{n:02d}", _wita_day(1 + n, 10))
    client = as_user(world["resident_a"])
    url = more_link(client.get("/"))

    fragment = client.get(url, headers=HX)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["Vary"]
    assert "<html" not in body and "Halo," not in body  # the cards alone, appended in place
    assert body.lstrip().startswith('<li class="card activity-card')
    assert len(cards(fragment)) == 7  # 27 upcoming: 20, then 7
    assert more_link(fragment) is None  # the last page has no link

    page = client.get(url)  # the same URL without htmx: a whole page
    assert "<html" in page.get_data(as_text=True) and cards(page) == cards(fragment)

    first = lxml.html.fromstring(client.get("/").get_data(as_text=True))
    (link,) = first.cssselect("#feed-more a")
    assert link.get("hx-get") == link.get("href") == url
    assert link.get("hx-target") == "#feed-more" and link.get("hx-swap") == "outerHTML"


def test_the_kind_filter_holds_across_pages(app, world, as_user):
    for n in range(25):
        add_activity(app, world, f"Voli ke-{n:02d}", _wita_day(1 + n, 16), kind="olahraga")
        add_activity(app, world, f"Arisan ke-{n:02d}", _wita_day(1 + n, 10))
    client = as_user(world["resident_a"])

    first = client.get("/?jenis=olahraga")
    assert "jenis=olahraga" in more_link(first)
    pages = follow_all(client, "/?jenis=olahraga")
    assert [t for page in pages for t in page] == [f"Voli ke-{n:02d}" for n in range(25)]
    htmx_pages = follow_all(client, "/?jenis=olahraga", headers=HX)
    assert htmx_pages[1:] == pages[1:]


def test_a_cursor_that_is_not_one_shows_the_first_page(app, world, as_user):
    client = as_user(world["resident_a"])
    for bad in ("kemarin", "20261206T230000Z", "99999999T999999Z-1", "x" * 300):
        response = client.get(f"/?setelah={bad}")
        assert response.status_code == 200
        assert cards(response) == ["Kerja bakti saluran RT 01", "Yasinan malam Jumat"]


# --- the past list ------------------------------------------------------------------------


def test_every_past_activity_of_three_months_is_reachable(app, world, as_user):
    for n in range(60):
        add_activity(app, world, f"Ronda ke-{n:02d}", _wita_day(-1 - n, 21))
    client = as_user(world["resident_a"])

    pages = follow_all(client, "/kegiatan/lalu")
    everything = [title for page in pages for title in page]
    assert everything == [f"Ronda ke-{n:02d}" for n in range(60)]  # latest first, each once
    assert len(pages[0]) == PAGE


# --- a fixed number of SQL statements per page --------------------------------------------


def statements_for(app, client, url: str, headers: dict | None = None) -> list[str]:
    client.get(url, headers=headers)  # warm up: the first request after a restore may differ
    with counting(app) as statements:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return [s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "PRAGMA"))]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_page_2_makes_the_same_number_of_statements_for_1_and_20_cards(
    app, world, as_user, record_property, headers
):
    client = as_user(world["resident_a"])
    series = add_series(app, world, "Senam pagi", _wita_day(2, 6), 60, kind="olahraga")
    for n in range(PAGE - 2):  # with the world's two and the series: one card on page 2
        add_activity(app, world, f"Arisan ke-{n:02d}", _wita_day(1 + n, 10))
    url = more_link(client.get("/"))
    few = statements_for(app, client, url, headers)
    assert len(cards(client.get(url, headers=headers))) == 1

    kinds = ["arisan", "olahraga", "pengajian", "pelatihan", "musyawarah", "gotong_royong"]
    for n in range(PAGE + 10):
        add_activity(app, world, f"Lagi ke-{n:02d}", _wita_day(30 + n, 10), kind=kinds[n % 6])
    with app.app_context():
        for activity_id in series[:5]:
            answers.respond(
                db.session.get(Activity, activity_id),
                db.session.get(User, world["resident_a"].id),
                answer="hadir",
                now=utcnow(),
            )
        db.session.commit()
    many = statements_for(app, client, url, headers)
    assert len(cards(client.get(url, headers=headers))) == PAGE

    record_property("feed_page_2_statements", len(many))
    assert len(many) == len(few), "\n".join(many)
    print(f"\nfeed page 2 ({'htmx' if headers else 'page'}): {len(many)} SQL statements")
