"""The musyawarah pages pass the Nu Html Checker (the same gate as test_html_valid.py, for
these pages: empty and filled, with errors, each kind of ballot, results)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community.accounts.models import User
from community.areas.models import Wilayah
from community.extensions import db
from community.musyawarah import services
from tests.conftest import post_form, sign_in
from tests.integration.test_html_valid import assert_pages_are_valid_html

pytestmark = pytest.mark.first_pass_only  # the same HTML whatever the database


def _pages(app, world):
    siti = sign_in(app.test_client(), world["resident_a"])
    ketua = sign_in(app.test_client(), world["pengurus_a"])
    yield "index-empty", siti.get("/musyawarah")
    yield "propose", siti.get("/usulan/baru")
    yield "propose-error", post_form(siti, "/usulan/baru", {"title": "", "scope": "x"})
    yield "poll-form", ketua.get("/jajak/baru")
    yield "poll-form-error", post_form(ketua, "/jajak/baru", {"kind": "peringkat"})
    with app.app_context():
        rt_a = db.session.get(Wilayah, world.rt_a.id)
        author, pengurus = (db.session.get(User, world[p].id) for p in ("resident_a", "pengurus_a"))
        proposal = services.propose(rt_a, by=author, title="Lampu jalan", body="Gelap\nsekali",
                                    category="infrastruktur", location="Gang 3", now=world.now)  # fmt: skip
        services.support(proposal, pengurus, now=world.now)
        services.comment(proposal, pengurus, "Setuju", now=world.now)
        services.change_status(proposal, "dibahas", by=pengurus, reason="", now=world.now)
        polls = {}
        for kind in ("tunggal", "ganda", "peringkat"):
            poll = services.create_poll(
                rt_a, by=pengurus, question=f"Jajak {kind}", description="Keterangan",
                kind=kind, options=["Drainase", "Lampu", "Pos"], max_choices=2,
                is_secret=kind == "ganda", shows_live=kind == "tunggal", opens_at=world.now,
                closes_at=world.now + timedelta(days=2), now=world.now,
            )  # fmt: skip
            services.vote(poll, author, [poll.options[1].id], now=world.now)
            polls[kind] = poll.id
        db.session.commit()
        proposal_id = proposal.id
    yield "index", siti.get("/musyawarah")
    yield "proposal-author", siti.get(f"/usulan/{proposal_id}")
    yield "proposal-pengurus", ketua.get(f"/usulan/{proposal_id}")
    yield "proposal-comment-error", post_form(ketua, f"/usulan/{proposal_id}/komentar", {})
    yield "proposal-status-error", post_form(ketua, f"/usulan/{proposal_id}/status",
                                             {"status": "ditolak"})  # fmt: skip
    for kind, poll_id in polls.items():
        yield f"poll-{kind}", siti.get(f"/jajak/{poll_id}")
        yield f"poll-{kind}-pengurus", ketua.get(f"/jajak/{poll_id}")
        yield f"poll-{kind}-error", post_form(ketua, f"/jajak/{poll_id}/pilih", {})


def test_the_musyawarah_pages_are_valid_html(app, world, tmp_path):
    assert_pages_are_valid_html(_pages(app, world), tmp_path)
