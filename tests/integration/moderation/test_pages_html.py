"""The pages of moderation are valid HTML (the same checker as test_html_valid.py): the
report form (fresh, with errors, already reported), /moderasi with an open report, a hidden
one, a mute and the log, its hide form with an error, the mute page, and the conversation
and activity pages showing a hidden message and comment to its author and to others."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from community.accounts.models import User
from community.core.time import utcnow
from community.events import comments
from community.events.models import Activity
from community.extensions import db
from community.messages import services as dm
from community.moderation import services as moderation
from tests.conftest import post_form, sign_in
from tests.integration.test_html_valid import HX_FILTER, VNU, _vnu_available

pytestmark = pytest.mark.first_pass_only  # the same HTML whatever the database


def test_moderation_pages_are_valid_html(app, world, tmp_path):
    reason = _vnu_available()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"HTML gate cannot run in CI: {reason}")
        pytest.skip(f"HTML gate skipped: {reason}")
    now = utcnow()
    with app.app_context():
        siti, budi, ketua = (db.session.get(User, world[p].id)
                             for p in ("resident_a", "resident_b", "pengurus_a"))  # fmt: skip
        talk = dm.start_conversation(siti, budi, now=now)
        scam = dm.send(talk, siti, "Transfer <b>dulu</b>", now=now)
        other = dm.send(talk, siti, "Pesan kedua", now=now)
        activity = db.session.get(Activity, world.activities["rt_a"].id)
        comment = comments.add_comment(activity, budi, "Komentar kasar", now=now)
        hidden = moderation.report_message(scam, budi, reason="penipuan", note="<i>x</i>", now=now)
        moderation.report_message(other, budi, reason="spam", note="", now=now)
        moderation.hide(hidden, ketua, "Penipuan <script>", now=now)
        moderation.report_comment(comment, activity, siti, reason="kasar", note="", now=now)
        moderation.mute(siti, ketua, days=1, reason="Menipu", now=now)
        db.session.commit()
        ids = {"talk": talk.id, "other": other.id, "comment": comment.id, "activity": activity.id}
    resident = sign_in(app.test_client(), world["resident_b"])
    author = sign_in(app.test_client(), world["resident_a"])
    pengurus = sign_in(app.test_client(), world["pengurus_a"])
    pages = {
        "report": author.get(f"/laporkan/komentar/{ids['comment']}"),
        "report-error": post_form(resident, f"/laporkan/pesan/{ids['other']}", {"note": "x"}),
        "report-already": resident.get(f"/laporkan/pesan/{ids['other']}"),
        "moderasi": pengurus.get("/moderasi"),
        "moderasi-error": post_form(pengurus, "/moderasi/laporan/2/sembunyikan", {}),
        "mute": pengurus.get(f"/moderasi/warga/{world['resident_a'].id}/bisukan"),
        "mute-error": post_form(pengurus, f"/moderasi/warga/{world['resident_a'].id}/bisukan"),
        "conversation-author": author.get(f"/pesan/{ids['talk']}"),
        "conversation-other": resident.get(f"/pesan/{ids['talk']}"),
        "list-other": resident.get("/pesan"),
        "activity": author.get(f"/kegiatan/{ids['activity']}"),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 422), (name, response.status_code)
        (tmp_path / f"{name}.html").write_bytes(response.get_data())
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout",
         "--filterpattern", HX_FILTER, str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    messages = json.loads(result.stdout or "{}").get("messages", [])
    assert [f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m.get('message')}"
            for m in messages] == []  # fmt: skip
