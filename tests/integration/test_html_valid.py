"""HTML validity gate: every page template's rendered output passes the Nu Html Checker.

Pages are rendered through the test client as the principals who can see them (forms
with and without errors, the reset-code panel, error pages) and validated in one ``vnu``
run (the JVM start costs ~3 s, so never one run per page).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from community.events import attendance
from community.extensions import db
from tests.conftest import post_form, sign_in

pytestmark = pytest.mark.first_pass_only  # the same HTML/code whatever the database

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
# htmx attributes are not in the HTML spec; vnu reports each one. The pattern drops exactly
# those messages (and nothing else), so templates may use plain hx-* attributes.
HX_FILTER = ".*Attribute “(data-)?hx-[a-z-]+” not allowed.*"


def _vnu_available() -> str | None:
    if shutil.which("java") is None:
        return "java is not installed"
    if not VNU.exists():
        return "vnu-jar missing: run `npm ci`"
    return None


def _pages(app, world):
    """(name, response) for every page template, as someone who can see it."""
    anon = app.test_client()
    yield "welcome", anon.get("/")
    yield "login", anon.get("/masuk")
    yield "login-error", post_form(anon, "/masuk", {"phone": "12", "password": ""})
    yield "register", anon.get("/daftar")
    yield "register-error", post_form(anon, "/daftar", {"name": "<b>", "phone": "x"})
    yield "reset", anon.get("/lupa-sandi")
    yield "not-found", anon.get("/tidak-ada")
    yield "offline", anon.get("/offline")
    pending = sign_in(app.test_client(), world["pending"])
    yield "waiting", pending.get("/")
    yield "join", pending.get("/gabung")
    yield "join-error", post_form(pending, "/gabung", {"code": "SALAH"})
    yield "join-link", pending.get(f"/gabung/{world.rt_a.invite_code}")
    yield "join-link-bad", pending.get("/gabung/TIDAKADA00")
    resident = sign_in(app.test_client(), world["resident_a"])
    yield "home", resident.get("/")
    yield "profile", resident.get("/profil")
    yield "profile-error", post_form(resident, "/profil", {"name": "", "phone": "1"})
    yield "neighbours", resident.get("/tetangga")
    yield "notification-prefs", resident.get("/profil/notifikasi")
    yield (
        "notification-prefs-error",
        post_form(resident, "/profil/notifikasi", {"quiet_start": "x"}),
    )
    yield "forbidden", resident.get(f"/wilayah/{world.rt_a.id}")
    pengurus = sign_in(app.test_client(), world["pengurus_a"])
    yield "rt-page", pengurus.get(f"/wilayah/{world.rt_a.id}")
    yield "poster", pengurus.get(f"/wilayah/{world.rt_a.id}/poster")
    yield (
        "reset-code",
        post_form(
            pengurus, f"/wilayah/{world.rt_a.id}/anggota/{world['resident_a'].id}/kode-reset"
        ),
    )
    yield "appoint-error", post_form(pengurus, f"/wilayah/{world.rt_a.id}/peran", {"phone": "1"})
    activity = world.activities["rt_a"]
    yield "activity", resident.get(f"/kegiatan/{activity.id}")
    post_form(resident, f"/kegiatan/{activity.id}/jawab", {"answer": "hadir", "guests": "1"})
    yield "activity-answered", resident.get(f"/kegiatan/{activity.id}")
    yield "past", resident.get("/kegiatan/lalu")
    yield "home-filtered", resident.get("/?jenis=pengajian")
    yield "activity-organiser", pengurus.get(f"/kegiatan/{activity.id}")
    yield "activity-new", pengurus.get("/kegiatan/baru")
    yield "activity-new-error", post_form(pengurus, "/kegiatan/baru", {"title": "x"})
    yield "activity-edit", pengurus.get(f"/kegiatan/{activity.id}/ubah")
    post_form(
        pengurus, f"/kegiatan/{activity.id}/tugas", {"label": "Bawa cangkul", "quantity": "5"}
    )
    post_form(resident, f"/kegiatan/{activity.id}/komentar", {"body": "Saya bawa sapu <b>dua</b>"})
    post_form(pengurus, f"/kegiatan/{activity.id}/atas-nama",
              {"resident": "0", "name": "Nenek Ijah", "answer": "hadir"})  # fmt: skip
    yield "activity-with-tasks", resident.get(f"/kegiatan/{activity.id}")
    yield "activity-organiser-tasks", pengurus.get(f"/kegiatan/{activity.id}")
    yield "participants", pengurus.get(f"/kegiatan/{activity.id}/peserta")
    yield "reminders-report", pengurus.get(f"/kegiatan/{activity.id}/pengingat")
    yield (
        "participants-error",
        post_form(pengurus, f"/kegiatan/{activity.id}/atas-nama", {"answer": "hadir"}),
    )
    yield "attendance", pengurus.get(f"/kegiatan/{activity.id}/daftar-hadir")
    yield "attendance-search", pengurus.get(f"/kegiatan/{activity.id}/daftar-hadir?q=siti")
    with app.app_context():
        from community.events.models import Activity

        token = attendance.check_in_token(db.session.get(Activity, activity.id))
    yield "check-in-closed", resident.get(f"/kegiatan/{activity.id}/hadir/{token}")
    # events: share and calendar
    yield "activity-poster", pengurus.get(f"/kegiatan/{activity.id}/poster")
    post_form(resident, "/profil/kalender", {"scope": "rt"})
    yield "profile-calendar", resident.get("/profil")
    yield "calendar-error", post_form(resident, "/profil/kalender", {"scope": "semua"})
    rw = sign_in(app.test_client(), world["ketua_rw"])
    yield "rw-page", rw.get(f"/wilayah/{world.rw.id}")
    kel = sign_in(app.test_client(), world["admin_kelurahan"])
    yield "kelurahan-page", kel.get(f"/wilayah/{world.kelurahan.id}")
    yield "participants-figures-only", kel.get(f"/kegiatan/{activity.id}/peserta")
    yield "activity-official-above", kel.get(f"/kegiatan/{activity.id}")
    kota = sign_in(app.test_client(), world["admin_kota"])
    yield "kota-page", kota.get(f"/wilayah/{world.kota.id}")
    # the home feed in pages: "Lihat lebih banyak", and the page it opens without htmx
    with app.app_context():
        import html
        import re
        from datetime import timedelta

        from community.accounts.models import User
        from community.areas.models import Wilayah
        from community.core.time import utcnow
        from community.events import services

        rt_a = db.session.get(Wilayah, world.rt_a.id)
        organiser = db.session.get(User, world["admin_kota"].id)
        for n in range(25):
            starts = utcnow().replace(microsecond=0) + timedelta(days=1 + n)
            services.create_activity(rt_a, by=organiser, now=utcnow(), kind="arisan",
                                     title=f"Arisan ke-{n}", place="Balai RT", starts_at=starts,
                                     ends_at=starts + timedelta(hours=2))  # fmt: skip
        db.session.commit()
    home = resident.get("/")
    yield "home-more", home
    more = re.search(r'href="(/\?setelah=[^"]+)"', home.get_data(as_text=True)).group(1)
    yield "home-page-2", resident.get(html.unescape(more))


def test_every_page_is_valid_html(app, world, tmp_path):
    assert_pages_are_valid_html(_pages(app, world), tmp_path)


def assert_pages_are_valid_html(pages, tmp_path) -> None:
    """The gate for ``(name, response)`` pairs: every page HTML, none a 500, and the Nu
    checker finds no error in any (skipped locally without Java, failed in CI)."""
    reason = _vnu_available()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"HTML gate cannot run in CI: {reason}")
        pytest.skip(f"HTML gate skipped: {reason}")
    for name, response in pages:
        assert response.status_code < 500, name
        assert response.mimetype == "text/html", name
        (tmp_path / f"{name}.html").write_bytes(response.get_data())
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout",
         "--filterpattern", HX_FILTER, str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    messages = json.loads(result.stdout or "{}").get("messages", [])
    problems = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}" for m in messages
    ]
    assert problems == [], "invalid HTML:\n" + "\n".join(problems)
