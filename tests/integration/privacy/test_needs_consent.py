"""Needs (a wheelchair, hearing, *butuh bantuan* on an answer) are health data: they are
kept only with the person's recorded consent, and withdrawing it clears them all at once."""

from __future__ import annotations

import html
import json

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.core.time import utcnow
from community.events import answers
from community.events.models import Activity, Rsvp
from community.extensions import db
from tests.conftest import text_of
from tests.forms import submit_form
from tests.integration.events.conftest import answer_via_route

CONSENT = "Saya setuju data kebutuhan ini disimpan untuk pengurus RT"
REFUSED = "Centang persetujuan untuk menyimpan kebutuhan khusus, atau kosongkan semua kebutuhan."
NEEDS = ("needs_wheelchair", "needs_lift", "needs_hearing", "needs_vision")


def said(response) -> str:
    return html.unescape(text_of(response))


def stored(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def helped(app, user_id: int) -> list[bool]:
    with app.app_context():
        return list(db.session.scalars(select(Rsvp.needs_help).where(Rsvp.user_id == user_id)))


def save_profile(client, **boxes):
    """Press Simpan on the profile form as rendered, with the named boxes ticked ("y")
    or unticked (None); every other field stays as the page shows it."""
    return submit_form(client, "/profil", "form[action='/profil']", boxes)


def test_the_profile_offers_the_consent_beside_the_needs(world, as_user):
    page = as_user(world["resident_b"]).get("/profil")

    assert CONSENT in said(page)


def test_needs_without_consent_are_refused_and_nothing_is_stored(app, world, as_user):
    budi = world["resident_b"]

    response = save_profile(as_user(budi), needs_hearing="y", needs_consent=None)

    assert response.status_code == 422
    assert REFUSED in said(response)
    saved = stored(app, budi.id)
    assert (saved.needs_hearing, saved.needs_consent_at) == (False, None)


def test_needs_with_consent_are_stored_with_the_time_of_consent(app, world, as_user):
    budi = world["resident_b"]
    before = utcnow()

    response = save_profile(as_user(budi), needs_hearing="y", needs_consent="y")

    assert response.status_code == 303
    saved = stored(app, budi.id)
    assert saved.needs_hearing is True
    assert saved.needs_consent_at is not None and saved.needs_consent_at >= before
    export = json.loads(as_user(budi).get("/profil/data.json").get_data(as_text=True))
    assert export["profile"]["needs"]["hearing"] is True
    assert export["profile"]["needs_consent_at"] is not None


def test_withdrawing_consent_clears_every_need_at_once(app, world, as_user):
    siti = world["resident_a"]  # uses a wheelchair, consent given
    client = as_user(siti)
    save_profile(client, needs_lift="y", needs_vision="y")
    answer_via_route(client, world.activities["rt_a"].id, "hadir", needs_help="y")
    answer_via_route(client, world.activities["rw"].id, "hadir", needs_help="y")
    assert helped(app, siti.id) == [True, True]

    # Unticking the consent alone, the needs still ticked on the page, withdraws it.
    response = save_profile(client, needs_consent=None)

    assert response.status_code == 303
    saved = stored(app, siti.id)
    assert [getattr(saved, need) for need in NEEDS] == [False] * 4
    assert saved.needs_consent_at is None
    assert helped(app, siti.id) == [False, False]
    page = client.get("/profil").get_data(as_text=True)
    assert 'id="needs_wheelchair" name="needs_wheelchair" type="checkbox" value="y">' in page


def test_butuh_bantuan_ticked_on_an_answer_records_the_consent(app, world, as_user):
    budi = world["resident_b"]
    activity_id = world.activities["rt_b"].id
    page = said(as_user(budi).get(f"/kegiatan/{activity_id}"))
    assert "Dengan mencentang, Anda setuju pengurus RT menyimpan kebutuhan Anda." in page

    answer_via_route(as_user(budi), activity_id, "hadir", needs_help="y")

    assert helped(app, budi.id) == [True]
    assert stored(app, budi.id).needs_consent_at is not None


def test_an_answer_without_butuh_bantuan_records_no_consent(app, world, as_user):
    budi = world["resident_b"]

    answer_via_route(as_user(budi), world.activities["rt_b"].id, "hadir")

    assert stored(app, budi.id).needs_consent_at is None


def test_the_database_refuses_a_need_without_consent(app, world):
    with app.app_context():
        budi = db.session.get(User, world["resident_b"].id)
        budi.needs_vision = True
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        activity = db.session.get(Activity, world.activities["rt_b"].id)
        answers.respond(activity, budi, answer="hadir", needs_help=True, now=utcnow())
        db.session.commit()
        assert budi.needs_consent_at is not None
