"""A domain that does not exist yet (musyawarah: "polls closing") registers a switch and
a kind, and nothing else: the switch is on the preferences page, a resident turns it off
through the page as rendered, and the outbox then sends that kind to neighbours but not
to them. Switches are rows (``notification_switch``), so no column and no migration, and
nothing in ``community/notifications/`` changes for it."""

from __future__ import annotations

import lxml.html
import pytest

from community.core.time import utcnow
from community.extensions import db
from community.notifications import kinds, outbox
from community.notifications.models import PushMessage, PushSubscription
from tests.forms import submit_form

PAGE = "/profil/notifikasi"
FORM = f"form[action='{PAGE}']"


@pytest.fixture
def musyawarah(monkeypatch):
    """The fake domain's registrations, forgotten after the test."""
    monkeypatch.setattr(kinds, "_SWITCHES", dict(kinds._SWITCHES))
    monkeypatch.setattr(kinds, "_KINDS", dict(kinds._KINDS))

    def register(switch: str, kind: str, *, default_on: bool = True) -> None:
        kinds.register_switch(
            kinds.Switch(switch, "Musyawarah: polling hampir ditutup", order=70,
                         default_on=default_on)
        )  # fmt: skip
        kinds.register(kinds.Kind(kind, "Polling ditutup", switch=switch))

    return register


def with_phones(app, *people) -> None:
    with app.app_context():
        for n, person in enumerate(people):
            endpoint = f"https://fcm.googleapis.com/fcm/send/poll-{n}"
            db.session.add(
                PushSubscription(
                    user_id=person.id, endpoint=endpoint, p256dh="k" * 87, auth="a" * 22
                )
            )
        db.session.commit()


def closing_soon(app, kind: str, *people) -> set[int]:
    """The fake domain tells ``people`` poll 7 closes; who got a row in the outbox."""
    with app.app_context():
        now = utcnow()
        messages = [
            outbox.Message(user_id=p.id, subject=f"poll:7:closing:{p.id}", due_at=now,
                           payload={"title": "Polling ditutup besok"}, topic=f"poll7u{p.id}")
            for p in people
        ]  # fmt: skip
        outbox.notify("poll:7", kind, messages)
        db.session.commit()
        return {
            row.user_id
            for row in db.session.scalars(db.select(PushMessage).where(PushMessage.kind == kind))
        }


def checkbox(client, name: str):
    html = client.get(PAGE).get_data(as_text=True)
    found = lxml.html.document_fromstring(html).cssselect(f"{FORM} input[name='{name}']")
    assert found, f"no switch {name!r} on the page"
    return found[0]


def test_a_switch_registered_by_a_new_domain_is_on_the_page_and_stops_its_kind(
    app, world, as_user, musyawarah
):
    musyawarah("wants_poll_closing", "poll_closing")
    siti, neighbour = world["resident_a"], world["resident_b"]
    with_phones(app, siti, neighbour)
    client = as_user(siti)

    box = checkbox(client, "wants_poll_closing")
    assert box.get("type") == "checkbox" and box.checked  # its default: on
    assert client.get(PAGE).get_data(as_text=True).count("checked") == 8

    response = submit_form(client, PAGE, FORM, {"wants_poll_closing": None})  # untick, Simpan
    assert response.status_code == 303
    assert not checkbox(client, "wants_poll_closing").checked
    assert checkbox(client, "wants_reminders").checked  # the others as they were

    assert closing_soon(app, "poll_closing", siti, neighbour) == {neighbour.id}
    with app.app_context():  # what events sends still reaches her
        assert "wants_reminders" in outbox.recipients([siti.id])[siti.id].wants


def test_a_new_domain_switch_off_by_default_sends_nothing_until_ticked(
    app, world, as_user, musyawarah
):
    musyawarah("wants_poll_digest", "poll_digest", default_on=False)
    siti = world["resident_a"]
    with_phones(app, siti)
    client = as_user(siti)

    assert not checkbox(client, "wants_poll_digest").checked
    assert closing_soon(app, "poll_digest", siti) == set()

    assert submit_form(client, PAGE, FORM, {"wants_poll_digest": "y"}).status_code == 303
    assert checkbox(client, "wants_poll_digest").checked
    assert closing_soon(app, "poll_digest", siti) == {siti.id}
