"""A time poll ("kapan musyawarah?") through the pages, with the forms as rendered: the
ketua proposes times in WITA, residents tick the ones they can attend (and change them),
the ketua picks one and it becomes the musyawarah activity; bad input answers 422 in
Indonesian and changes nothing."""

from __future__ import annotations

import html
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from community.core.time import WITA
from community.events.models import Activity
from community.extensions import db
from community.musyawarah.models import TimeMark, TimePoll
from tests.conftest import text_of
from tests.forms import submit_form

NEW = "/waktu-musyawarah/baru"


def said(response) -> str:
    return html.unescape(text_of(response))


@pytest.fixture
def days(world):
    today = world.now.astimezone(WITA).date()
    return today + timedelta(days=3), today + timedelta(days=4)


def _create(client, world, days, **extra):
    data = {"scope": str(world.rt_a.id), "title": "Musyawarah Musrenbang RT 01",
            "place": "Rumah Ketua RT", "day_1": days[0].isoformat(), "clock_1": "19:30",
            "day_2": days[1].isoformat(), "clock_2": "20:00", **extra}  # fmt: skip
    return submit_form(client, NEW, f"form[action='{NEW}']", data)


def test_residents_tick_times_and_the_ketua_makes_the_meeting(app, world, as_user, days, make_user):
    ketua = as_user(world["pengurus_a"])
    response = _create(ketua, world, days)
    assert response.status_code == 303
    url = response.headers["Location"]
    page = said(ketua.get(url))
    assert "19.30 WITA" in page and "20.00 WITA" in page
    with app.app_context():
        poll = db.session.scalar(select(TimePoll))
        first, second = [o.id for o in poll.options]
        assert poll.options[0].starts_at == datetime.combine(days[0], time(19, 30), tzinfo=WITA)
    form = f"form[action='{url}/tandai']"
    siti = as_user(world["resident_a"])
    assert submit_form(siti, url, form, {"times": [str(first), str(second)]}).status_code == 303
    with app.app_context():
        neighbour = make_user("Tetangga", world.rt_a)
    assert submit_form(as_user(neighbour), url, form, {"times": [str(second)]}).status_code == 303
    # Siti changes her mind: only the first
    assert submit_form(siti, url, form, {"times": [str(first)]}).status_code == 303
    assert "checked" in siti.get(url).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TimeMark)) == 2
    # RT B's Budi sees nothing of it
    assert as_user(world["resident_b"]).get(url).status_code == 404

    response = submit_form(ketua, url, f"form[action='{url}/tetapkan']", {"option": str(second)})
    assert response.status_code == 303
    activity_url = response.headers["Location"]
    assert activity_url.startswith("/kegiatan/")
    with app.app_context():
        activity = db.session.scalar(select(Activity).where(Activity.kind == "musyawarah"))
        assert (
            activity.title == "Musyawarah Musrenbang RT 01" and activity.place == "Rumah Ketua RT"
        )
        assert activity.starts_at == datetime.combine(days[1], time(20, 0), tzinfo=WITA)
        assert activity.ends_at - activity.starts_at == timedelta(hours=2)
        assert activity.wilayah_id == world.rt_a.id
    page = said(siti.get(url))
    assert "Waktu ditetapkan." in page and "Kapan Anda bisa hadir?" not in page
    # once picked, the ketua's page no longer offers to pick; nothing more is made
    assert "Tetapkan waktu" not in said(ketua.get(url))
    with app.app_context():
        assert (
            db.session.scalar(select(func.count(Activity.id)).where(Activity.kind == "musyawarah"))
            == 1
        )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"day_2": "", "clock_2": ""}, "Tulis paling sedikit 2 waktu"),
        ({"clock_2": "19:30", "day_2": None}, "Ada waktu yang sama."),
        ({"clock_2": ""}, "Isi tanggal dan jamnya."),
        ({"day_1": "2020-01-01"}, "Waktu yang diusulkan harus setelah sekarang."),
        ({"day_1": "9999-12-31"}, "Waktu yang diusulkan paling lambat 90 hari dari sekarang."),
        ({"title": ""}, "Judul tidak boleh kosong."),
    ],
)
def test_bad_time_polls_are_refused(app, world, as_user, days, extra, message):
    if extra.get("day_2", "") is None:
        extra = {**extra, "day_2": days[0].isoformat()}
    response = _create(as_user(world["pengurus_a"]), world, days, **extra)
    assert response.status_code == 422
    assert message in said(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(TimePoll.id))) == 0


def test_residents_may_not_make_a_time_poll(world, as_user):
    assert as_user(world["resident_a"]).get(NEW).status_code == 403


def _stale_post(client, url: str, selector: str, data: dict[str, str]):
    """Submit a form as the page rendered it earlier (a second tab left open)."""
    from werkzeug.datastructures import MultiDict

    from tests.forms import find_form, form_fields

    form = find_form(client.get(url).get_data(as_text=True), selector)

    def send():
        pairs = [(n, v) for n, v in form_fields(form) if n not in data] + list(data.items())
        return client.post(form.get("action"), data=MultiDict(pairs))

    return send


@pytest.fixture
def open_poll(app, world, as_user, days):
    response = _create(as_user(world["pengurus_a"]), world, days)
    assert response.status_code == 303
    url = response.headers["Location"]
    with app.app_context():
        poll = db.session.scalar(select(TimePoll))
        return url, [o.id for o in poll.options]


def _pick(client, url: str, option: int):
    return submit_form(client, url, f"form[action='{url}/tetapkan']", {"option": str(option)})


def _activities(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(Activity.id)).where(Activity.kind == "musyawarah")
        )


def test_picking_twice_makes_one_meeting(app, world, as_user, open_poll):
    url, (first, second) = open_poll
    ketua = as_user(world["pengurus_a"])
    before = _activities(app)
    second_tab = _stale_post(ketua, url, f"form[action='{url}/tetapkan']", {"option": str(first)})
    assert _pick(ketua, url, second).status_code == 303
    response = second_tab()
    assert response.status_code == 422
    assert "Waktu musyawarah sudah ditetapkan." in said(response)
    assert _activities(app) == before + 1
    with app.app_context():
        assert db.session.scalar(select(TimePoll)).chosen_option_id == second


def test_ticking_after_the_pick_is_refused(app, world, as_user, open_poll):
    url, (first, second) = open_poll
    siti = as_user(world["resident_a"])
    stale = _stale_post(siti, url, f"form[action='{url}/tandai']", {"times": str(first)})
    ketua = as_user(world["pengurus_a"])
    assert _pick(ketua, url, second).status_code == 303
    response = stale()
    assert response.status_code == 422
    assert "Waktu musyawarah sudah ditetapkan." in said(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TimeMark)) == 0


def test_a_time_that_has_passed_cannot_be_picked(app, world, as_user, open_poll):
    from community.musyawarah.models import TimeOption

    url, (first, _second) = open_poll
    ketua = as_user(world["pengurus_a"])
    before = _activities(app)
    with app.app_context():  # the first evening went by before anyone picked
        db.session.get(TimeOption, first).starts_at = world.now - timedelta(hours=1)
        db.session.commit()
    response = _pick(ketua, url, first)
    assert response.status_code == 422
    assert "Waktu yang diusulkan harus setelah sekarang." in said(response)
    assert _activities(app) == before
    with app.app_context():
        assert db.session.scalar(select(TimePoll)).chosen_option_id is None


def test_no_choice_or_an_unknown_time_is_refused(app, world, as_user, open_poll):
    url, _options = open_poll
    ketua = as_user(world["pengurus_a"])
    response = submit_form(ketua, url, f"form[action='{url}/tetapkan']", {})
    assert response.status_code == 422
    assert "Pilih satu waktu." in said(response)
    response = _stale_post(ketua, url, f"form[action='{url}/tetapkan']", {"option": "999999"})()
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(TimePoll)).chosen_option_id is None


def test_residents_do_not_pick_and_others_do_not_tick(app, world, as_user, open_poll):
    from tests.conftest import csrf_token

    url, (first, _second) = open_poll
    siti = as_user(world["resident_a"])
    assert "Tetapkan waktu" not in said(siti.get(url))
    before = _activities(app)
    token = csrf_token(siti, url)
    response = siti.post(f"{url}/tetapkan", data={"csrf_token": token, "option": first})
    assert response.status_code == 403
    assert _activities(app) == before
    # the ketua RW sees RT 01's poll but lives in RT 02: no form to tick, and a tick is refused
    rw = as_user(world["ketua_rw"])
    assert "Kapan Anda bisa hadir?" not in said(rw.get(url))
    response = rw.post(f"{url}/tandai", data={"csrf_token": csrf_token(rw, url), "times": first})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TimeMark)) == 0
