"""No phone number, password, reset code, note or need reaches a log: this test drives
the flows that handle them (sign-in, a reset code issued and used, an answer with a note
and *butuh bantuan*, needs on the profile, the calendar feed through werkzeug's own
server) and reads every record they produced. ``tests/conftest.py`` scans the records of
the whole run the same way and fails the run on a leak."""

from __future__ import annotations

import re
import threading
import urllib.request

from werkzeug.serving import make_server

from community.accounts.models import User
from community.accounts.rules import display_phone
from community.core.time import utcnow
from community.events import feeds
from community.extensions import db
from tests.conftest import LOG_CANARIES, PASSWORD, RUN_LOG, log_leaks
from tests.forms import submit_form
from tests.integration.events.conftest import answer_via_route

NOTE = "Catatan-rahasia-kanari-91"
NEW_PASSWORD = "sandi-baru-kanari-91"
NEEDS_WORDS = ("needs_", "butuh bantuan", "kursi roda", "pendengaran")


def fetch_over_werkzeug(app, path: str) -> int:
    """GET ``path`` through werkzeug's development server, which writes an access log."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}{path}") as reply:
            return reply.status
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_the_flows_that_handle_secrets_log_none_of_them(app, world, as_user):
    siti, ketua = world["resident_a"], world["pengurus_a"]
    start = len(RUN_LOG.lines)
    client = app.test_client()

    signed_in = submit_form(client, "/masuk", "form[action^='/masuk']",
                            {"phone": display_phone(siti.phone), "password": PASSWORD})  # fmt: skip
    wrong = submit_form(app.test_client(), "/masuk", "form[action^='/masuk']",
                        {"phone": siti.phone, "password": "salah-" + PASSWORD})  # fmt: skip
    issued = submit_form(as_user(ketua), f"/wilayah/{world.rt_a.id}",
                         f"form[action$='/anggota/{siti.id}/kode-reset']")  # fmt: skip
    code = re.search(r'<p class="big-code">\s*([\d ]+?)\s*</p>', issued.get_data(as_text=True))
    reset = submit_form(app.test_client(), "/lupa-sandi", "form[action^='/lupa-sandi']",
                        {"phone": siti.phone, "code": code.group(1),
                         "password": NEW_PASSWORD})  # fmt: skip
    answered = answer_via_route(as_user(siti), world.activities["rt_a"].id, "hadir",
                                note=NOTE, needs_help="y")  # fmt: skip
    needs = submit_form(as_user(siti), "/profil", "form[action='/profil']",
                        {"needs_hearing": "y", "needs_consent": "y"})  # fmt: skip
    with app.app_context():
        token = feeds.new_token()
        feeds.issue_feed(db.session.get(User, siti.id), scope="answered", token=token,
                            now=utcnow())  # fmt: skip
        db.session.commit()
    feed = fetch_over_werkzeug(app, f"/kalender/{token}.ics?next=/gabung/{token}")

    assert (signed_in.status_code, wrong.status_code, reset.status_code) == (303, 422, 303)
    assert (answered.status_code, needs.status_code, feed) == (303, 303, 200)
    secrets = {PASSWORD, NEW_PASSWORD, code.group(1), code.group(1).replace(" ", ""), NOTE,
               token, siti.phone, display_phone(siti.phone), *NEEDS_WORDS}  # fmt: skip
    LOG_CANARIES.update(secrets - set(NEEDS_WORDS))  # the end-of-run scan looks for them too
    lines = RUN_LOG.lines[start:]
    # The flows did log (ids, the access line): the scan reads real records.
    assert any("reset code issued" in line for line in lines), lines
    assert any(line.startswith("werkzeug:") and "/kalender/***.ics" in line for line in lines)
    assert log_leaks(lines) == []
    assert [line for line in lines if any(s.lower() in line.lower() for s in secrets)] == []
