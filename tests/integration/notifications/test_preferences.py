"""Notification preferences and the VAPID key."""

import base64
import os
import stat
from pathlib import Path

from community.extensions import db
from community.notifications import services
from community.notifications.models import NotificationPref
from tests.conftest import text_of
from tests.forms import submit_form

PAGE = "/profil/notifikasi"
OFF = None  # an unticked box: the browser leaves it out


def save(client, **changes):
    """Change the settings form of "Pengaturan notifikasi" as rendered and press Simpan."""
    return submit_form(client, PAGE, f"form[action='{PAGE}']", changes)


def test_defaults_everything_on_and_quiet_from_21_to_05(world, as_user):
    page = as_user(world["resident_a"]).get("/profil/notifikasi")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="21:00"' in html and 'value="05:00"' in html
    assert html.count("checked") == 7


def test_saving_preferences(app, world, as_user):
    client = as_user(world["resident_a"])
    response = save(client, wants_waitlist=OFF, wants_announcements=OFF, wants_messages=OFF,
                    wants_arisan=OFF, quiet_start="22:30", quiet_end="04:45")  # fmt: skip
    assert response.status_code == 303
    with app.app_context():
        pref = services.get_prefs(world["resident_a"].id)
        assert (pref.wants_reminders, pref.wants_waitlist, pref.wants_arisan) == (
            True,
            False,
            False,
        )
        assert (pref.quiet_start_minute, pref.quiet_end_minute) == (22 * 60 + 30, 4 * 60 + 45)
    assert "Pengaturan notifikasi tersimpan." in text_of(client.get("/profil/notifikasi"))


def test_bad_time_is_refused_and_nothing_changes(app, world, as_user):
    response = save(as_user(world["resident_a"]), quiet_start="25:99", quiet_end="")
    assert response.status_code == 422
    assert "Jam tidak valid." in text_of(response) or "Jam wajib diisi." in text_of(response)
    with app.app_context():
        assert db.session.get(NotificationPref, world["resident_a"].id) is None


def test_preferences_are_in_the_data_export(world, as_user):
    data = as_user(world["resident_a"]).get("/profil/data.json").get_json()
    assert data["notification_preferences"]["quiet_start_minute"] == 21 * 60
    switches = {k: v for k, v in data["notification_preferences"].items() if k.startswith("wants_")}
    assert switches == dict.fromkeys(("wants_reminders", "wants_changes", "wants_waitlist",
                                      "wants_announcements", "wants_messages", "wants_arisan",
                                      "wants_musyawarah"), True)  # fmt: skip


def test_vapid_key_is_generated_once_private_and_printed_public(app, tmp_path, monkeypatch):
    monkeypatch.delenv("RUKUN_VAPID_PRIVATE_KEY", raising=False)
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["vapid"])
    assert first.exit_code == 0, first.output
    key = first.output.strip()
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(raw) == 65 and raw[0] == 4  # an uncompressed P-256 point
    pem = Path(tmp_path) / "vapid_private.pem"
    assert stat.S_IMODE(os.stat(pem).st_mode) == 0o600
    assert runner.invoke(args=["vapid"]).output.strip() == key  # the same key next time
    assert "PRIVATE" not in first.output
