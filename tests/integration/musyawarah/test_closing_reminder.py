"""Musyawarah pushes of the later increments (#16), through the pages' own forms and the
stand-in push service: a poll about to close reaches the residents of its wilayah who have
not voted (planned with the poll, withdrawn at each vote, a day before closing); a time
poll reaches the residents when it is made, and the time picked reaches who ticked one."""

from __future__ import annotations

from datetime import timedelta

import lxml.html
import time_machine

from community.core.time import WITA
from community.extensions import db
from community.musyawarah import rules
from community.musyawarah.models import Poll, TimePoll
from community.notifications import kinds
from community.notifications import rules as delivery
from community.notifications.rules import QUIET_END_DEFAULT, QUIET_START_DEFAULT
from tests.forms import submit_form
from tests.integration.musyawarah import test_push as push
from tests.integration.musyawarah.test_push import NOON, _make_poll, run_worker, shown

app_config, phones = push.app_config, push.phones  # the same app and subscribed phones


def _vote(client, poll_id: int) -> None:
    url = f"/jajak/{poll_id}"
    page = lxml.html.document_fromstring(client.get(url).get_data(as_text=True))
    first_option = page.cssselect("form[action$='/pilih'] input[name='choice']")[0].get("value")
    response = submit_form(client, url, "form[action$='/pilih']", {"choice": first_option})
    assert response.status_code == 303


def _reminded_at(app, poll_id: int):
    """When a resident with the default quiet hours gets the reminder, and when it closes."""
    with app.app_context():
        poll = db.session.get(Poll, poll_id)
        at = rules.closing_reminder_at(poll.opens_at, poll.closes_at)
        return delivery.outside_quiet_hours(at, QUIET_START_DEFAULT, QUIET_END_DEFAULT)


def test_who_has_not_voted_is_reminded_a_day_before_closing(app, world, as_user, phones):
    assert kinds.switch_of("poll_closing") == "wants_musyawarah"
    with time_machine.travel(NOON, tick=False):
        ketua = as_user(world["pengurus_a"])
        poll_id = _make_poll(ketua, world)
        run_worker(app)
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        _vote(ketua, poll_id)  # the maker votes: no reminder for him
    before = len(phones["resident_a"].received)
    at = _reminded_at(app, poll_id)
    with time_machine.travel(at - timedelta(minutes=5), tick=False):
        run_worker(app)
    assert len(phones["resident_a"].received) == before  # not yet
    with time_machine.travel(at + timedelta(minutes=1), tick=False):
        run_worker(app)
    with app.app_context():  # the poll closes at 23.59 WITA: told at 05.00 that morning
        closes_at = db.session.get(Poll, poll_id).closes_at
    assert at.astimezone(WITA).strftime("%H.%M") == "05.00"
    assert closes_at.astimezone(WITA).date() == at.astimezone(WITA).date()
    assert shown(phones["resident_a"])[before:] == [
        {"title": "Jajak pendapat segera ditutup: RT 01 / RW 01",
         "body": "Anda belum memilih: Hari kerja bakti",
         "url": f"/jajak/{poll_id}", "tag": f"rukun-j{poll_id}"}
    ]  # fmt: skip
    assert phones["pengurus_a"].received == []
    assert phones["resident_b"].received == []  # RT 02: not her poll


def test_a_vote_withdraws_the_reminder(app, world, as_user, phones):
    with time_machine.travel(NOON, tick=False):
        poll_id = _make_poll(as_user(world["pengurus_a"]), world)
        run_worker(app)
        _vote(as_user(world["resident_a"]), poll_id)
    before = len(phones["resident_a"].received)
    with time_machine.travel(_reminded_at(app, poll_id) + timedelta(hours=1), tick=False):
        run_worker(app)
    assert len(phones["resident_a"].received) == before


def test_a_time_poll_reaches_the_rt_and_the_picked_time_reaches_who_ticked(
    app, world, as_user, phones
):
    from community.core.time import format_wita

    day = NOON.astimezone(WITA).date() + timedelta(days=3)
    with time_machine.travel(NOON, tick=False):
        ketua = as_user(world["pengurus_a"])
        new = "/waktu-musyawarah/baru"
        made = submit_form(ketua, new, f"form[action='{new}']", {
            "scope": str(world.rt_a.id), "title": "Musyawarah Musrenbang RT 01",
            "place": "Rumah Ketua RT", "day_1": day.isoformat(), "clock_1": "19:30",
            "day_2": (day + timedelta(days=1)).isoformat(), "clock_2": "20:00"})  # fmt: skip
        assert made.status_code == 303
        url = made.headers["Location"]
        poll_id = int(url.rsplit("/", 1)[1])
        run_worker(app)
        assert shown(phones["resident_a"]) == [
            {"title": "Kapan musyawarah? RT 01 / RW 01",
             "body": "Tandai waktu yang Anda bisa: Musyawarah Musrenbang RT 01",
             "url": url, "tag": f"rukun-w{poll_id}"}
        ]  # fmt: skip
        assert phones["pengurus_a"].received == [] and phones["resident_b"].received == []
        with app.app_context():
            first = db.session.get(TimePoll, poll_id).options[0]
            first_id, starts = first.id, first.starts_at
        siti = as_user(world["resident_a"])
        ticked = submit_form(siti, url, f"form[action='{url}/tandai']", {"times": [str(first_id)]})
        assert ticked.status_code == 303
        picked = submit_form(
            ketua, url, f"form[action='{url}/tetapkan']", {"option": str(first_id)}
        )
        assert picked.status_code == 303
        run_worker(app)
    told = shown(phones["resident_a"])[-1]
    assert told == {"title": f"Musyawarah jadi: {format_wita(starts, 'id', with_year=False)}",
                    "body": "Musyawarah Musrenbang RT 01", "url": picked.headers["Location"],
                    "tag": f"rukun-w{poll_id}"}  # fmt: skip
    assert phones["pengurus_a"].received == [] and phones["resident_b"].received == []
