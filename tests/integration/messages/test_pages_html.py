"""The pages of direct messages are valid HTML (the same checker as test_html_valid.py):
the list with a conversation and a block, a conversation with own, received and deleted
messages, its form with an error, and the Tetangga list with its "Kirim pesan" buttons."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from community.accounts.models import User
from community.core.time import utcnow
from community.extensions import db
from community.messages import services as dm
from tests.conftest import post_form, sign_in
from tests.integration.test_html_valid import HX_FILTER, VNU, _vnu_available

pytestmark = pytest.mark.first_pass_only  # the same HTML whatever the database


def test_message_pages_are_valid_html(app, world, tmp_path):
    reason = _vnu_available()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"HTML gate cannot run in CI: {reason}")
        pytest.skip(f"HTML gate skipped: {reason}")
    with app.app_context():
        siti, budi = (db.session.get(User, world[p].id) for p in ("resident_a", "resident_b"))
        talk = dm.start_conversation(siti, budi, now=utcnow())
        dm.send(talk, siti, "Pak, <b>besok</b>\n\nsaya bawa gerobak", now=utcnow())
        gone = dm.send(talk, siti, "Salah kirim", now=utcnow())
        dm.send(talk, budi, "Siap", now=utcnow())
        dm.delete_message(gone, siti, now=utcnow())
        dm.block(siti, db.session.get(User, world["pengurus_a"].id), now=utcnow())
        db.session.commit()
        talk_id = talk.id
    client = sign_in(app.test_client(), world["resident_a"])
    pages = {
        "list": client.get("/pesan"),
        "conversation": client.get(f"/pesan/{talk_id}"),
        "conversation-error": post_form(client, f"/pesan/{talk_id}", {"body": " "}),
        "neighbours": client.get("/tetangga"),
        "conversation-empty": client.get(
            post_form(client, f"/pesan/mulai/{world['pengurus_a'].id}").headers["Location"]
        ),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 422), name
        (tmp_path / f"{name}.html").write_bytes(response.get_data())
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout",
         "--filterpattern", HX_FILTER, str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    messages = json.loads(result.stdout or "{}").get("messages", [])
    assert [f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m.get('message')}"
            for m in messages] == []  # fmt: skip
