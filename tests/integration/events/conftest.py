"""Helpers for the activity tests: read what the database holds, answer through the
services (each call in its own short app context), post RSVPs through the routes."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from community.accounts.models import User
from community.areas.models import Wilayah
from community.core.time import utcnow
from community.events import answers, reminders, rules
from community.events.models import Activity, Answer, Rsvp
from community.extensions import db
from tests.conftest import post_form, text_of
from tests.forms import find_form, form_fields, submit_form

HX = {"HX-Request": "true"}


def said(response) -> str:
    """The visible text of a response, entities decoded."""
    return html.unescape(text_of(response))


class Entry(NamedTuple):
    answer: str
    guests: int
    waitlisted: bool


@dataclass(frozen=True)
class Ledger:
    """What the database holds for one activity."""

    capacity: int | None
    seats_taken: int
    entries: dict[int | None, Entry]  # by user id (None: deleted accounts)
    waitlist: list[int | None]  # user ids, first in line first

    @property
    def confirmed(self) -> list[int | None]:
        return [
            uid for uid, e in self.entries.items() if e.answer == Answer.HADIR and not e.waitlisted
        ]


def ledger(app: Flask, activity_id: int) -> Ledger:
    """Read an activity's answers and check the invariants every state must keep:
    seats_taken is the sum of confirmed parties, within the capacity, and only Hadir
    answers wait."""
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        rows = db.session.scalars(
            select(Rsvp).where(Rsvp.activity_id == activity_id).order_by(Rsvp.id)
        ).all()
        entries = {r.user_id: Entry(r.answer, r.guests, r.waitlisted_at is not None) for r in rows}
        confirmed = sum(
            1 + r.guests for r in rows if r.answer == Answer.HADIR and r.waitlisted_at is None
        )
        assert activity.seats_taken == confirmed, (
            f"seats_taken {activity.seats_taken} != confirmed parties {confirmed}"
        )
        if activity.capacity is not None:
            assert activity.seats_taken <= activity.capacity
        assert all(r.answer == Answer.HADIR for r in rows if r.waitlisted_at is not None)
        assert all(r.guests == 0 for r in rows if r.answer != Answer.HADIR)
        waiting = sorted(
            (r for r in rows if r.waitlisted_at), key=lambda r: (r.waitlisted_at, r.id)
        )
        return Ledger(
            activity.capacity, activity.seats_taken, entries, [r.user_id for r in waiting]
        )


def count_rsvps(app: Flask, activity_id: int | None = None) -> int:
    with app.app_context():
        query = select(func.count(Rsvp.id))
        if activity_id is not None:
            query = query.where(Rsvp.activity_id == activity_id)
        return db.session.scalar(query)


def set_activity(app: Flask, activity_id: int, **fields) -> None:
    """Change an activity's columns directly (e.g. move it into the past), planned as a
    service would plan the change."""
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        for key, value in fields.items():
            setattr(activity, key, value)
        reminders.note_activity(activity)
        db.session.commit()


def respond(
    app: Flask,
    activity_id: int,
    user_id: int,
    answer: str = Answer.HADIR,
    *,
    guests: int = 0,
    now: datetime | None = None,
) -> list[int]:
    """Answer through the service and commit; returns the promoted RSVP ids."""
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        user = db.session.get(User, user_id)
        try:
            result = answers.respond(
                activity, user, answer=answer, guests=guests, now=now or utcnow()
            )
        except rules.EventError:
            db.session.rollback()
            raise
        db.session.commit()
        return result.promoted


def withdraw(app: Flask, activity_id: int, user_id: int, *, now: datetime | None = None):
    with app.app_context():
        activity = db.session.get(Activity, activity_id)
        user = db.session.get(User, user_id)
        result = answers.withdraw(activity, user, now=now or utcnow())
        db.session.commit()
        return result.promoted


def rsvp_ids(app: Flask, activity_id: int) -> dict[int | None, int]:
    """user id → RSVP id."""
    with app.app_context():
        rows = db.session.execute(
            select(Rsvp.user_id, Rsvp.id).where(Rsvp.activity_id == activity_id)
        ).all()
        return dict(rows)


@pytest.fixture
def neighbours(app, make_user) -> Callable[..., list[User]]:
    """``neighbours(n, rt)``: n fresh residents of ``rt``."""

    def make(n: int, rt: Wilayah, prefix: str = "Tetangga") -> list[User]:
        people = []
        for i in range(n):
            with app.app_context():  # one each: a commit expires what the session holds
                people.append(make_user(f"{prefix} {i + 1}", rt))
        return people

    return make


def rsvp_form(activity_id: int) -> str:
    """The RSVP panel's answer form (the page also has Hapus jawaban and Batalkan)."""
    return f"#rsvp-panel-{activity_id} form[action$='/jawab']"


def answer_via_route(client, activity_id: int, answer: str, *, htmx: bool = False, **extra):
    """Open the activity page, type the ``extra`` fields (guests, note, needs_help) into the
    RSVP panel as rendered and press the ``answer`` button."""
    return submit_form(
        client,
        f"/kegiatan/{activity_id}",
        rsvp_form(activity_id),
        {k: str(v) for k, v in extra.items()},
        button=f"button[name='answer'][value='{answer}']",
        headers=HX if htmx else {},
    )


def withdraw_via_route(client, activity_id: int, *, htmx: bool = False):
    """Press "Hapus jawaban saya" on the activity page."""
    return submit_form(
        client,
        f"/kegiatan/{activity_id}",
        f"#rsvp-panel-{activity_id} form[action$='/jawab/hapus']",
        headers=HX if htmx else {},
    )


def submit_open_page(
    client, page: str, selector: str, *, answer: str | None = None, htmx: bool = False
):
    """Submit a form from a page rendered earlier and still open on the phone (the
    activity has closed since, so a fresh GET no longer renders the form)."""
    form = find_form(page, selector)
    pairs = form_fields(form) + ([("answer", answer)] if answer else [])
    return client.post(form.get("action"), data=MultiDict(pairs), headers=HX if htmx else {})


def forge_answer(client, activity_id: int, answer: str, *, htmx: bool = False, **extra):
    """A hand-made answer POST, for tampering tests only: no page renders it."""
    data = {"answer": answer, "guests": "0", "note": "", **{k: str(v) for k, v in extra.items()}}
    return post_form(client, f"/kegiatan/{activity_id}/jawab", data, headers=HX if htmx else {})


def forge_withdraw(client, activity_id: int, *, htmx: bool = False):
    """A hand-made withdraw POST, for tampering tests only: no page renders it."""
    return post_form(client, f"/kegiatan/{activity_id}/jawab/hapus", headers=HX if htmx else {})
