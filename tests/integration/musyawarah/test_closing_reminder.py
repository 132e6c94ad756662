"""A poll about to close reaches, by push, the residents of its wilayah who have not voted
(#16): planned with the poll, withdrawn for each resident at their vote (cast through the
page's own form), delivered through the stand-in push service a day before closing."""

from __future__ import annotations

from datetime import timedelta

import lxml.html
import time_machine

from community.core.time import WITA
from community.extensions import db
from community.musyawarah import rules
from community.musyawarah.models import Poll
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
