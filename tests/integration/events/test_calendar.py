"""Share and calendar: the WhatsApp link, the ``.ics`` of an activity, the resident's secret
feed (series as one RRULE) and the A4 poster with its QR code.

Every calendar is parsed back with ``icalendar`` and checked field by field; a feed is
also expanded the way a calendar app does (RRULE − EXDATE + overrides) and compared with
what the database holds."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pytest
import recurring_ical_events
import segno
from dateutil.rrule import rrulestr
from icalendar import Calendar
from sqlalchemy import select

from community import create_app
from community.accounts import services as accounts
from community.accounts.models import User
from community.core.time import WITA, as_utc, format_wita, utcnow
from community.events import calendar
from community.events.models import Activity, CalendarFeed
from community.extensions import db
from tests.conftest import PASSWORD, post_form, test_config, text_of
from tests.forms import submit_form
from tests.integration.events.conftest import set_activity

ICS_TYPE = "text/calendar; charset=utf-8"


# --- helpers ------------------------------------------------------------------------------


def parse(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == ICS_TYPE
    return Calendar.from_ical(response.get_data())


def events(cal: Calendar) -> list:
    return list(cal.walk("VEVENT"))


def exdates(event) -> set[datetime]:
    value = event.get("exdate")
    if value is None:
        return set()
    lists = value if isinstance(value, list) else [value]
    return {d.dt for item in lists for d in item.dts}


def shown(cal: Calendar) -> dict[datetime, str]:
    """start → title of every event a calendar app shows as taking place: each RRULE
    expanded, minus its EXDATEs, with RECURRENCE-ID overrides in place of the instance they
    replace, minus the cancelled ones (shown struck through)."""
    all_events = events(cal)
    overrides = {
        (str(e["uid"]), e.decoded("recurrence-id")): e for e in all_events if "recurrence-id" in e
    }
    seen: dict[datetime, str] = {}
    for event in all_events:
        if "recurrence-id" in event:
            continue
        start = event.decoded("dtstart")
        if "rrule" not in event:
            seen[start] = str(event["summary"])
            continue
        # dateutil refuses a floating UNTIL with an aware DTSTART: this also proves UTC
        rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=start)
        skipped = exdates(event)
        for instance in rule:
            if instance in skipped:
                continue
            override = overrides.pop((str(event["uid"]), instance), None)
            if override is None:
                seen[instance] = str(event["summary"])
            elif str(override.get("status")) != "CANCELLED":
                seen[override.decoded("dtstart")] = str(override["summary"])
    assert not overrides, f"overrides of no instance: {list(overrides)}"
    return seen


def next_weekday(weekday: int, *, weeks_ahead: int = 2) -> datetime:
    """A ``weekday`` (0 = Monday) at least ``weeks_ahead`` weeks from now, in WITA."""
    day = (utcnow().astimezone(WITA) + timedelta(weeks=weeks_ahead)).date()
    return datetime.combine(
        day + timedelta(days=(weekday - day.weekday()) % 7), datetime.min.time(), WITA
    )


def create_weekly(client, world, *, title="Yasinan RT 01", weeks=6) -> list[Activity]:
    """A weekly Thursday 19.45 WITA series for RT A, ending on a date (UNTIL)."""
    first = next_weekday(3)
    until = first + timedelta(weeks=weeks - 1)
    response = post_form(client, "/kegiatan/baru", {
        "scope": str(world.rt_a.id), "kind": "pengajian", "title": title,
        "place": "Rumah Pak RT", "accessibility_notes": "Dua anak tangga",
        "start_date": first.date().isoformat(), "start_time": "19:45", "end_time": "21:00",
        "repeat": "weekly", "repeat_until": until.date().isoformat(),
    })  # fmt: skip
    assert response.status_code == 303, text_of(response)
    return occurrences(client.application, title)


def occurrences(app, title: str) -> list[Activity]:
    with app.app_context():
        rows = db.session.scalars(
            select(Activity).where(Activity.title.like(f"{title}%")).order_by(Activity.id)
        ).all()
        db.session.expunge_all()
        return rows


def make_feed(client, scope: str) -> str:
    """Create the feed through the profile form; the feed's path, read from the page."""
    response = post_form(client, "/profil/kalender", {"scope": scope})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/profil#kalender")
    page = client.get("/profil").get_data(as_text=True)
    match = re.search(r'id="calendar-url"[^>]*value="http://localhost(/kalender/[^"]+\.ics)"', page)
    assert match, "the profile shows no feed URL"
    return match.group(1)


def local(event, name: str) -> datetime:
    return event.decoded(name)


@pytest.fixture
def domain(app) -> str:
    """The right-hand side of this install's UIDs."""
    with app.app_context():
        return calendar.uid_domain()


# --- one activity -------------------------------------------------------------------------


def test_activity_ics_is_wita_wall_clock_time_with_its_timezone(app, world, as_user, domain):
    activity = world.activities["rt_a"]
    response = as_user(world["resident_a"]).get(f"/kegiatan/{activity.id}.ics")
    cal = parse(response)
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="kegiatan-{activity.id}.ics"'
    )
    raw = response.get_data(as_text=True)
    local_start = activity.starts_at.astimezone(WITA)
    assert local_start.strftime("%H:%M") == "07:00"  # the world's Sunday gotong royong
    assert f"DTSTART;TZID=Asia/Makassar:{local_start:%Y%m%d}T070000" in raw
    assert f"DTEND;TZID=Asia/Makassar:{local_start:%Y%m%d}T100000" in raw

    assert str(cal["version"]) == "2.0" and "Rukun" in str(cal["prodid"])
    [timezone] = cal.walk("VTIMEZONE")
    assert str(timezone["tzid"]) == "Asia/Makassar"
    assert [str(s["tzname"]) for s in timezone.walk("STANDARD")] == ["WITA"]
    [event] = events(cal)
    assert str(event["uid"]) == f"activity-{activity.id}@{domain}"
    assert str(event["summary"]) == "Kerja bakti saluran RT 01"
    assert str(event["location"]) == "Pos kamling RT 01"
    url = f"http://localhost/kegiatan/{activity.id}"
    assert str(event["url"]) == url
    assert url in str(event["description"])
    assert str(event["status"]) == "CONFIRMED"
    assert "dtstamp" in event
    start, end = local(event, "dtstart"), local(event, "dtend")
    assert event["dtstart"].params["TZID"] == "Asia/Makassar"
    assert (start.hour, start.minute) == (7, 0)
    in_utc = start.astimezone(UTC)
    assert (in_utc.hour, in_utc.date()) == (23, start.date() - timedelta(days=1))
    assert in_utc == activity.starts_at
    assert end - start == timedelta(hours=3)


def test_activity_ics_has_description_accessibility_and_cancellation(app, world, as_user):
    activity = world.activities["rt_a"]
    set_activity(app, activity.id, description="Bawa cangkul.",
                 accessibility_notes="Jalan datar, bisa kursi roda")  # fmt: skip
    organiser = as_user(world["pengurus_a"])
    post_form(organiser, f"/kegiatan/{activity.id}/batalkan",
              {"reason": "Hujan deras", "apply_to": "this"})  # fmt: skip
    [event] = events(parse(as_user(world["resident_a"]).get(f"/kegiatan/{activity.id}.ics")))
    assert str(event["status"]) == "CANCELLED"
    description = str(event["description"])
    for part in ("Dibatalkan: Hujan deras", "Bawa cangkul.", "Jalan datar, bisa kursi roda"):
        assert part in description


def test_activity_ics_only_for_who_may_see_the_activity(app, world, as_user):
    activity = world.activities["rt_a"]
    assert as_user(world["resident_b"]).get(f"/kegiatan/{activity.id}.ics").status_code == 404
    response = as_user(None).get(f"/kegiatan/{activity.id}.ics")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_activity_page_links_the_ics(app, world, as_user):
    activity = world.activities["rt_a"]
    page = as_user(world["resident_a"]).get(f"/kegiatan/{activity.id}").get_data(as_text=True)
    assert f'href="/kegiatan/{activity.id}.ics" download>Tambahkan ke kalender</a>' in page


# --- WhatsApp -----------------------------------------------------------------------------


def test_whatsapp_link_carries_title_wita_time_place_and_absolute_url(app, world, as_user):
    activity = world.activities["rt_a"]
    page = as_user(world["resident_a"]).get(f"/kegiatan/{activity.id}").get_data(as_text=True)
    link = re.search(r'<a [^>]*class="[^"]*share-whatsapp[^"]*"[^>]*>.*?</a>', page, re.S)
    assert link, "no WhatsApp link"
    tag = link.group(0)
    href = html.unescape(re.search(r'href="([^"]+)"', tag).group(1))
    assert href.startswith("https://wa.me/?text=")
    encoded = href.removeprefix("https://wa.me/?text=")
    assert " " not in encoded and "\n" not in encoded and "&" not in encoded  # URL-encoded
    when = format_wita(activity.starts_at, "id", with_year=False)
    assert re.fullmatch(r"Minggu, \d{1,2} \w+ · 07\.00 WITA", when)
    assert unquote(encoded) == (
        "*Kerja bakti saluran RT 01*\n"
        f"{when}\n"
        "Tempat: Pos kamling RT 01\n"
        "\n"
        f"Konfirmasi kehadiran di Rukun: http://localhost/kegiatan/{activity.id}"
    )
    assert 'target="_blank"' in tag and 'rel="noopener"' in tag
    name = re.sub(r"<[^>]+>", "", tag)
    assert name == "Bagikan ke WhatsApp (membuka tab baru)"


def test_whatsapp_message_of_a_cancelled_activity_says_so(app, world, as_user):
    activity = world.activities["rt_a"]
    set_activity(app, activity.id, is_cancelled=True, cancel_reason="Hujan")
    page = as_user(world["resident_a"]).get(f"/kegiatan/{activity.id}").get_data(as_text=True)
    href = html.unescape(re.search(r'href="(https://wa\.me/[^"]+)"', page).group(1))
    assert unquote(href).startswith("https://wa.me/?text=DIBATALKAN: *Kerja bakti saluran RT 01*")


# --- the feed -----------------------------------------------------------------------------


def test_feed_of_a_series_is_one_rrule_with_exdate_and_override(app, world, as_user, domain):
    organiser = as_user(world["pengurus_a"])
    series = create_weekly(organiser, world, weeks=6)
    assert len(series) == 6 and len({o.series_id for o in series}) == 1
    third, fifth = series[2], series[4]
    post_form(organiser, f"/kegiatan/{third.id}/batalkan",
              {"reason": "Tuan rumah berhalangan", "apply_to": "this"})  # fmt: skip
    fifth_day = fifth.starts_at.astimezone(WITA).date().isoformat()
    response = post_form(organiser, f"/kegiatan/{fifth.id}/ubah", {
        "kind": "pengajian", "title": "Yasinan RT 01 (Maulid)", "place": "Masjid Al-Ikhlas",
        "start_date": fifth_day, "start_time": "20:00", "end_time": "21:30",
        "apply_to": "this",
    })  # fmt: skip
    assert response.status_code == 303

    resident = as_user(world["resident_a"])
    path = make_feed(resident, "rt")
    response = as_user(None).get(path)  # a calendar app: not signed in
    cal = parse(response)
    raw = response.get_data(as_text=True)
    uid = f"series-{series[0].series_id}@{domain}"
    in_series = [e for e in events(cal) if str(e["uid"]) == uid]
    masters = [e for e in in_series if "recurrence-id" not in e]
    assert len(masters) == 1, "a series is ONE VEVENT with its RRULE"
    [master] = masters
    assert not [e for e in events(cal) if str(e["uid"]).startswith("activity-")
                and "Yasinan RT 01" in str(e["summary"])]  # fmt: skip

    first = series[0].starts_at.astimezone(WITA)
    assert f"DTSTART;TZID=Asia/Makassar:{first:%Y%m%d}T194500" in raw
    rrule = master["rrule"]
    assert rrule["FREQ"] == ["WEEKLY"] and rrule["BYDAY"] == ["TH"]
    [until] = rrule["UNTIL"]
    last_day = series[-1].starts_at.astimezone(WITA).date()
    # UNTIL=<last day>T235959 WITA, in UTC form as RFC 5545 requires with a TZID start
    assert until == datetime.combine(last_day, datetime.max.time().replace(microsecond=0), WITA)
    assert until.utcoffset() == timedelta(0)
    assert f"UNTIL={last_day:%Y%m%d}T155959Z" in raw
    assert str(master["summary"]) == "Yasinan RT 01"
    assert local(master, "dtend") - local(master, "dtstart") == timedelta(hours=1, minutes=15)
    assert "Dua anak tangga" in str(master["description"])

    assert exdates(master) == set()  # the cancelled meeting stays, marked CANCELLED
    cancelled, override = [e for e in in_series if "recurrence-id" in e]
    assert cancelled.decoded("recurrence-id") == third.starts_at
    assert str(cancelled["status"]) == "CANCELLED"
    assert "Dibatalkan: Tuan rumah berhalangan" in str(cancelled["description"])
    assert override.decoded("recurrence-id") == fifth.starts_at  # the instance it replaces
    assert override["recurrence-id"].params["TZID"] == "Asia/Makassar"
    assert (local(override, "dtstart").hour, local(override, "dtstart").minute) == (20, 0)
    assert str(override["summary"]) == "Yasinan RT 01 (Maulid)"
    assert str(override["location"]) == "Masjid Al-Ikhlas"
    assert str(override["url"]) == f"http://localhost/kegiatan/{fifth.id}"

    # What the calendar app shows is exactly what the database holds.
    held = {o.starts_at: o.title for o in occurrences(app, "Yasinan RT 01") if not o.is_cancelled}
    assert {k: v for k, v in shown(cal).items() if "Yasinan RT 01" in v} == held
    assert len(held) == 5


def test_rt_feed_has_rt_and_ancestors_but_not_another_rt(app, world, as_user, domain):
    cal = parse(as_user(None).get(make_feed(as_user(world["resident_a"]), "rt")))
    uids = {str(e["uid"]) for e in events(cal)}
    a = world.activities
    assert f"activity-{a['rt_a'].id}@{domain}" in uids
    assert f"activity-{a['rw'].id}@{domain}" in uids  # RW 01 is above RT A
    assert f"activity-{a['rt_b'].id}@{domain}" not in uids
    assert "Voli sore RT 02" not in str(cal.to_ical(), "utf-8")
    assert str(cal["x-wr-calname"]) == "Rukun: kegiatan RT 01 / RW 01"


def test_answered_feed_has_only_hadir_and_mungkin(app, world, as_user, domain):
    resident = as_user(world["resident_a"])
    a = world.activities
    post_form(resident, f"/kegiatan/{a['rt_a'].id}/jawab", {"answer": "mungkin"})
    post_form(resident, f"/kegiatan/{a['rw'].id}/jawab", {"answer": "tidak"})
    cal = parse(as_user(None).get(make_feed(resident, "answered")))
    assert [str(e["uid"]) for e in events(cal)] == [f"activity-{a['rt_a'].id}@{domain}"]
    assert str(cal["x-wr-calname"]) == "Rukun: kegiatan saya"


def test_answered_feed_excludes_the_occurrences_not_answered(app, world, as_user):
    series = create_weekly(as_user(world["pengurus_a"]), world, weeks=4)
    resident = as_user(world["resident_a"])
    for occurrence in (series[1], series[3]):
        post_form(resident, f"/kegiatan/{occurrence.id}/jawab", {"answer": "hadir"})
    cal = parse(as_user(None).get(make_feed(resident, "answered")))
    [master] = events(cal)
    assert "rrule" in master
    assert exdates(master) == {series[0].starts_at, series[2].starts_at}
    assert set(shown(cal)) == {series[1].starts_at, series[3].starts_at}


def test_feed_covers_the_last_90_days_and_the_future(app, world, as_user, domain):
    a, now = world.activities, utcnow()
    set_activity(app, a["rt_a"].id, starts_at=now - timedelta(days=30, hours=3),
                 ends_at=now - timedelta(days=30))  # fmt: skip
    set_activity(app, a["rw"].id, starts_at=now - timedelta(days=100, hours=2),
                 ends_at=now - timedelta(days=100))  # fmt: skip
    cal = parse(as_user(None).get(make_feed(as_user(world["resident_a"]), "rt")))
    uids = {str(e["uid"]) for e in events(cal)}
    assert f"activity-{a['rt_a'].id}@{domain}" in uids
    assert f"activity-{a['rw'].id}@{domain}" not in uids


def test_feed_never_carries_notes_phones_or_needs(app, world, as_user):
    a = world.activities
    resident = as_user(world["resident_a"])
    post_form(resident, f"/kegiatan/{a['rt_a'].id}/jawab", {
        "answer": "hadir", "guests": "1", "note": "CATATAN-RAHASIA-123", "needs_help": "y",
    })  # fmt: skip
    organiser = as_user(world["pengurus_a"])
    post_form(organiser, f"/kegiatan/{a['rt_a'].id}/jawab", {"answer": "hadir", "note": "PESAN-X"})
    for scope in ("answered", "rt"):
        raw = as_user(None).get(make_feed(resident, scope)).get_data(as_text=True)
        assert "Kerja bakti saluran RT 01" in raw
        for private in ("CATATAN-RAHASIA-123", "PESAN-X", world["resident_a"].phone,
                        world["pengurus_a"].phone, "butuh", "kursi roda", "Haji Rahmat",
                        "Siti Aminah"):  # fmt: skip
            assert private not in raw, private
        ics = as_user(world["resident_a"]).get(f"/kegiatan/{a['rt_a'].id}.ics").get_data(True)
        assert "CATATAN-RAHASIA-123" not in ics and world["resident_a"].phone not in ics


def test_feed_needs_no_sign_in_and_is_not_cached(app, world, as_user):
    path = make_feed(as_user(world["resident_a"]), "rt")
    response = as_user(None).get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"] == 'inline; filename="rukun.ics"'


def test_revoked_and_replaced_tokens_answer_404(app, world, as_user):
    resident = as_user(world["resident_a"])
    calendar_app = as_user(None)
    old = make_feed(resident, "answered")
    assert calendar_app.get(old).status_code == 200
    new = make_feed(resident, "rt")  # "Buat alamat baru": a new token, the old one dies
    assert new != old
    assert calendar_app.get(old).status_code == 404
    assert calendar_app.get(new).status_code == 200
    with app.app_context():
        feeds = db.session.scalars(select(CalendarFeed)).all()
        assert [(f.user_id, f.scope) for f in feeds] == [(world["resident_a"].id, "rt")]
        assert len(feeds[0].token) >= 43  # secrets.token_urlsafe(32)
    response = post_form(resident, "/profil/kalender/hapus")
    assert response.status_code == 303
    assert calendar_app.get(new).status_code == 404
    with app.app_context():
        assert db.session.scalars(select(CalendarFeed)).all() == []
    assert 'id="calendar-url"' not in resident.get("/profil").get_data(as_text=True)
    assert calendar_app.get("/kalender/tidak-ada.ics").status_code == 404


def test_profile_section_offers_both_scopes(app, world, as_user):
    page = as_user(world["resident_a"]).get("/profil")
    said = text_of(page)
    assert "Langganan kalender" in said
    assert "Kegiatan yang saya jawab Hadir/Mungkin" in said
    assert "Semua kegiatan untuk RT saya" in said
    assert "Buat alamat kalender" in said
    assert 'checked id="scope-0" name="scope" type="radio" value="answered"' in (
        page.get_data(as_text=True)
    )


def test_tampered_scope_is_refused_with_422_and_nothing_created(app, world, as_user):
    response = post_form(as_user(world["resident_a"]), "/profil/kalender", {"scope": "semua"})
    assert response.status_code == 422
    assert "Pilihan tidak valid." in text_of(response)
    with app.app_context():
        assert db.session.scalars(select(CalendarFeed)).all() == []


# --- the poster ---------------------------------------------------------------------------


def test_poster_shows_what_the_noticeboard_needs(app, world, as_user):
    activity = world.activities["rt_a"]
    set_activity(app, activity.id, accessibility_notes="Jalan datar, bisa kursi roda")
    response = as_user(world["pengurus_a"]).get(f"/kegiatan/{activity.id}/poster")
    assert response.status_code == 200
    said = html.unescape(text_of(response))
    for part in ("Kerja bakti saluran RT 01", "Gotong royong", "07.00 WITA", "10.00",
                 "Pos kamling RT 01", "Jalan datar, bisa kursi roda",
                 f"http://localhost/kegiatan/{activity.id}"):  # fmt: skip
        assert part in said, part
    page = response.get_data(as_text=True)
    assert f'src="/kegiatan/{activity.id}/qr.svg"' in page
    assert "style=" not in page and "<style" not in page  # strict CSP: CSS in app.css


def test_qr_code_encodes_the_activity_page(app, world, as_user):
    activity = world.activities["rt_a"]
    response = as_user(world["ketua_rw"]).get(f"/kegiatan/{activity.id}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    expected = io.BytesIO()
    segno.make(f"http://localhost/kegiatan/{activity.id}", error="m").save(
        expected, kind="svg", scale=8, border=2, title="Kerja bakti saluran RT 01"
    )
    assert response.data == expected.getvalue()


def test_poster_and_qr_are_for_organisers_only(app, world, as_user):
    activity = world.activities["rt_a"]
    for suffix in ("/poster", "/qr.svg"):
        url = f"/kegiatan/{activity.id}{suffix}"
        assert as_user(world["resident_a"]).get(url).status_code == 403
        assert as_user(world["resident_b"]).get(url).status_code == 404
        assert as_user(world["pengurus_a"]).get(url).status_code == 200


def test_organiser_section_links_the_poster(app, world, as_user):
    activity = world.activities["rt_a"]
    poster, page = f'href="/kegiatan/{activity.id}/poster"', f"/kegiatan/{activity.id}"
    assert poster in as_user(world["pengurus_a"]).get(page).get_data(as_text=True)
    assert poster not in as_user(world["resident_a"]).get(page).get_data(as_text=True)


# --- issue #9: UIDs, series .ics, cancelled meetings, DTSTAMP -------------------------------
# Read back with recurring_ical_events, which expands RRULE − EXDATE + RECURRENCE-ID the
# way calendar apps do (independently of the helpers above).


def expand(body: bytes, start: datetime, days: int = 120) -> list:
    cal = Calendar.from_ical(body)
    return list(recurring_ical_events.of(cal).between(start, start + timedelta(days=days)))


def cancel_through_page(client, activity_id: int, reason: str, **choices: str) -> None:
    response = submit_form(
        client,
        f"/kegiatan/{activity_id}",
        "form[action$='/batalkan']",
        data={"reason": reason, **choices},
    )
    assert response.status_code == 303, text_of(response)


def test_uids_are_this_installs_and_stay_the_same(tmp_path, monkeypatch):
    """Two installs never mint the same UID; one install mints the same UID every time."""
    config = test_config(tmp_path)

    def domain_of(instance: str) -> str:
        monkeypatch.setenv("RUKUN_INSTANCE_PATH", str(tmp_path / instance))
        with create_app(config).app_context():
            return calendar.uid_domain()

    first, again, other = domain_of("a"), domain_of("a"), domain_of("b")
    assert first == again and first != other
    assert re.fullmatch(r"[0-9a-f]{20}\.rukun", first)
    monkeypatch.setenv("RUKUN_CALENDAR_UID_DOMAIN", "rukun.banjarbarukota.go.id")
    assert domain_of("c") == "rukun.banjarbarukota.go.id"


def test_ics_and_feed_carry_the_installs_uid(app, world, as_user, domain):
    activity = world.activities["rt_a"]
    resident = as_user(world["resident_a"])
    [from_file] = events(parse(resident.get(f"/kegiatan/{activity.id}.ics")))
    feed = parse(as_user(None).get(make_feed(resident, "rt")))
    [from_feed] = [e for e in events(feed) if str(e["summary"]) == activity.title]
    assert str(from_file["uid"]) == str(from_feed["uid"]) == f"activity-{activity.id}@{domain}"
    assert domain != "rukun"


def test_ics_of_a_series_meeting_is_the_series_of_the_feed(app, world, as_user):
    series = create_weekly(as_user(world["pengurus_a"]), world, weeks=5)
    resident = as_user(world["resident_a"])
    body = resident.get(f"/kegiatan/{series[1].id}.ics").get_data()
    feed = as_user(None).get(make_feed(resident, "rt")).get_data()

    [master] = [e for e in events(Calendar.from_ical(body)) if "rrule" in e]
    [in_feed] = [e for e in events(Calendar.from_ical(feed)) if "rrule" in e]
    assert str(master["uid"]) == str(in_feed["uid"])
    assert master["rrule"].to_ical() == in_feed["rrule"].to_ical()
    assert master.decoded("dtstart") == in_feed.decoded("dtstart")
    first = series[0].starts_at - timedelta(days=1)
    got = [(e.decoded("dtstart"), str(e["uid"])) for e in expand(body, first)]
    assert [start for start, _ in got] == [o.starts_at for o in series]  # every meeting
    assert {uid for _, uid in got} == {str(master["uid"])}  # one series, one UID
    assert got == [(e.decoded("dtstart"), str(e["uid"])) for e in expand(feed, first)
                   if str(e["uid"]) == str(master["uid"])]  # fmt: skip


def test_cancelled_meeting_stays_in_the_feed_marked_cancelled(app, world, as_user):
    series = create_weekly(as_user(world["pengurus_a"]), world, weeks=4)
    cancel_through_page(
        as_user(world["pengurus_a"]), series[2].id, "Tuan rumah sakit", apply_to="this"
    )
    resident = as_user(world["resident_a"])
    for body in (
        as_user(None).get(make_feed(resident, "rt")).get_data(),
        resident.get(f"/kegiatan/{series[0].id}.ics").get_data(),
    ):
        seen = {
            e.decoded("dtstart"): e
            for e in expand(body, series[0].starts_at - timedelta(days=1))
            if str(e["uid"]).startswith("series-")
        }
        assert list(seen) == [o.starts_at for o in series]  # the cancelled one is still there
        assert [str(e["status"]) for e in seen.values()] == [
            "CONFIRMED", "CONFIRMED", "CANCELLED", "CONFIRMED",
        ]  # fmt: skip
        assert "Tuan rumah sakit" in str(seen[series[2].starts_at]["description"])


def test_dtstamp_is_the_last_change_not_the_download(app, world, as_user):
    activity = world.activities["rt_a"]
    changed = datetime(2026, 11, 20, 3, 4, 5, tzinfo=UTC)
    set_activity(app, activity.id, updated_at=changed)
    resident = as_user(world["resident_a"])
    path = make_feed(resident, "rt")
    for _ in range(2):
        [event] = events(parse(resident.get(f"/kegiatan/{activity.id}.ics")))
        assert event.decoded("dtstamp") == event.decoded("last-modified") == changed
        [in_feed] = [e for e in events(parse(as_user(None).get(path)))
                     if str(e["summary"]) == activity.title]  # fmt: skip
        assert in_feed.decoded("dtstamp") == changed

    cancel_through_page(as_user(world["pengurus_a"]), activity.id, "Hujan deras")
    [event] = events(parse(resident.get(f"/kegiatan/{activity.id}.ics")))
    with app.app_context():
        saved = as_utc(db.session.get(Activity, activity.id).updated_at)
    assert saved > changed and event.decoded("dtstamp") == saved.replace(microsecond=0)


def test_series_dtstamp_is_the_last_change_to_any_meeting(app, world, as_user):
    series = create_weekly(as_user(world["pengurus_a"]), world, weeks=3)
    stamps = [datetime(2026, 11, d, 1, 0, tzinfo=UTC) for d in (2, 9, 5)]
    for occurrence, stamp in zip(series, stamps, strict=True):
        set_activity(app, occurrence.id, updated_at=stamp)
    body = as_user(world["resident_a"]).get(f"/kegiatan/{series[0].id}.ics").get_data()
    [master] = [e for e in events(Calendar.from_ical(body)) if "rrule" in e]
    assert master.decoded("dtstamp") == max(stamps)


# --- the feed URL dies with the sessions ----------------------------------------------------


def feed_path_on_profile(client) -> str:
    page = client.get("/profil").get_data(as_text=True)
    match = re.search(r'id="calendar-url"[^>]*value="http://localhost(/kalender/[^"]+\.ics)"', page)
    assert match, "the profile shows no feed URL"
    return match.group(1)


def test_password_change_gives_the_feed_a_new_url(app, world, as_user):
    resident = as_user(world["resident_a"])
    calendar_app = as_user(None)
    old = make_feed(resident, "rt")
    response = submit_form(
        resident, "/profil", "form[action='/profil/sandi']",
        data={"pw-current": PASSWORD, "pw-password": "sapu lidi baru 2026"},
    )  # fmt: skip
    assert response.status_code == 303
    assert calendar_app.get(old).status_code == 404
    new = feed_path_on_profile(resident)
    assert new != old and calendar_app.get(new).status_code == 200
    with app.app_context():
        [feed] = db.session.scalars(select(CalendarFeed)).all()
        assert feed.scope == "rt" and feed.token in new


def test_password_reset_gives_the_feed_a_new_url(app, world, as_user):
    resident = world["resident_a"]
    old = make_feed(as_user(resident), "answered")
    with app.app_context():
        code = accounts.issue_reset_code(
            db.session.get(User, resident.id),
            issued_by=db.session.get(User, world["pengurus_a"].id),
            now=utcnow(),
        )
        db.session.commit()
    response = submit_form(
        as_user(None), "/lupa-sandi", "form[action='/lupa-sandi']",
        data={"phone": resident.phone, "code": code, "password": "sapu lidi baru 2026"},
    )  # fmt: skip
    assert response.status_code == 303, text_of(response)
    assert as_user(None).get(old).status_code == 404
    with app.app_context():
        assert len(db.session.scalars(select(CalendarFeed)).all()) == 1  # kept, new token


def test_sign_out_gives_the_feed_a_new_url(app, world, as_user):
    resident = as_user(world["resident_a"])
    old = make_feed(resident, "rt")
    response = submit_form(resident, "/profil", "form[action='/keluar']")
    assert response.status_code == 303
    assert as_user(None).get(old).status_code == 404
    again = as_user(world["resident_a"])
    new = feed_path_on_profile(again)
    assert new != old and as_user(None).get(new).status_code == 200
    assert "diganti setiap kali Anda keluar" in text_of(again.get("/profil"))
