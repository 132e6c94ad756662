"""The injection corpus of test_injection.py in every field a person types here (a
proposal's title, description and location, a comment, a rejection reason, a poll's
question, description and options, a voter's name): every page and fragment that shows
them stays inert."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community.accounts import services as accounts
from community.accounts.models import User
from community.areas.models import Wilayah
from community.extensions import db
from community.musyawarah import services
from tests.conftest import post_form, sign_in
from tests.integration.test_injection import corpus, html_problems


def _poison(app, world, payload: str) -> tuple[int, int]:
    now = world.now
    with app.app_context():
        siti = db.session.get(User, world["resident_a"].id)
        ketua = db.session.get(User, world["pengurus_a"].id)
        accounts.update_profile(siti, name=payload[:80])
        rt = db.session.get(Wilayah, world.rt_a.id)
        proposal = services.propose(rt, by=siti, title=payload, body=payload,
                                    category="lainnya", location=payload, now=now)  # fmt: skip
        services.comment(proposal, siti, payload, now=now)
        services.change_status(proposal, "ditolak", by=ketua, reason=payload, now=now)
        poll = services.create_poll(
            rt, by=ketua, question=payload, description=payload, kind="peringkat",
            options=[payload, f"{payload} (2)"], max_choices=2, is_secret=False,
            shows_live=True, opens_at=now, closes_at=now + timedelta(days=1), now=now,
        )  # fmt: skip
        services.vote(poll, siti, [o.id for o in poll.options], now=now)
        db.session.commit()
        return proposal.id, poll.id


@pytest.mark.parametrize(("payload", "marker"), corpus())
def test_payloads_render_inert(app, world, payload, marker):
    proposal_id, poll_id = _poison(app, world, payload)
    clients = {p: sign_in(app.test_client(), world[p]) for p in ("resident_a", "pengurus_a")}
    pages = [("resident_a", "/musyawarah"), ("resident_a", f"/usulan/{proposal_id}"),
             ("pengurus_a", f"/usulan/{proposal_id}"), ("resident_a", f"/jajak/{poll_id}"),
             ("pengurus_a", f"/jajak/{poll_id}")]  # fmt: skip
    for principal, url in pages:
        for htmx in (False, True):
            response = clients[principal].get(url, headers={"HX-Request": "true"} if htmx else {})
            assert response.status_code == 200, url
            html = response.get_data(as_text=True)
            assert marker in html, f"{url} does not show the payload: the check checks nothing"
            problems = html_problems(html, marker)
            assert not problems, f"{url} as {principal}{' (htmx)' if htmx else ''}: {problems}"
    # a fragment made by a POST: the support panel (the proposal is decided: its message)
    response = post_form(clients["pengurus_a"], f"/usulan/{proposal_id}/dukung",
                         headers={"HX-Request": "true"})  # fmt: skip
    assert response.status_code == 422
    assert not html_problems(response.get_data(as_text=True), marker)
