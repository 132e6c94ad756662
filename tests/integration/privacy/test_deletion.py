"""Deleting one's account through the profile page leaves nothing one wrote behind: no
text column of any table still holds the person's canary, name, email or phone."""

from __future__ import annotations

from sqlalchemy import func, select

from community.events.models import Rsvp
from community.extensions import db
from tests.conftest import PASSWORD, sign_in
from tests.forms import submit_form
from tests.integration.privacy.conftest import canaries_found


def test_the_seeded_canary_is_everywhere_before(app, seeded):
    found = canaries_found(app, seeded.canaries)

    # The scan sees the person's text wherever the seed put it (else the test below
    # would pass for the wrong reason).
    for place in ("user_account.name", "user_account.email", "user_account.phone",
                  "rsvp.note", "rsvp.proxy_name", "activity_comment.body",
                  "push_subscription.endpoint", "push_subscription.device",
                  "message.body"):  # fmt: skip
        assert any(hit.startswith(place + ":") for hit in found), place


def test_deleting_the_account_leaves_no_canary_in_any_table(app, seeded):
    client = sign_in(app.test_client(), seeded.user)

    response = submit_form(client, "/profil", "form[action='/profil/hapus']",
                           {"del-password": PASSWORD, "del-confirm": "y"})  # fmt: skip

    assert response.status_code == 303
    assert canaries_found(app, seeded.canaries) == []
    with app.app_context():  # the answers still count, without a name
        answers = db.session.scalar(
            select(func.count(Rsvp.id)).where(Rsvp.activity_id == seeded.activity_id)
        )
    assert answers == 2
