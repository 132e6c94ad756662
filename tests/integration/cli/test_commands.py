"""The ``rukun`` commands, through Flask's CLI runner and one real ``rukun serve``."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from sqlalchemy import func, select

from community.accounts.models import User
from community.areas.models import Level, RoleAssignment, Wilayah
from community.demo import DEMO_PASSWORD
from community.extensions import db


def test_demo_loads_once_and_prints_the_sign_ins(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    assert "Ketua RT 01 / RW 01" in result.output
    with app.app_context():
        komet = db.session.scalar(select(Wilayah).where(Wilayah.name == "Komet"))
        rts = db.session.scalars(
            select(Wilayah).where(Wilayah.level == Level.RT, Wilayah.path.like(komet.path + "%"))
        ).all()
        assert len(rts) == 5 and all(rt.invite_code for rt in rts)
        users = db.session.scalar(select(func.count(User.id)))
    again = runner.invoke(args=["demo"])
    assert again.exit_code != 0
    assert "sudah berisi data" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == users
    # The sign-ins scroll away under the worker's log: --show prints the same lines again.
    shown = runner.invoke(args=["demo", "--show"])
    assert shown.exit_code == 0, shown.output
    assert shown.output == result.output


def test_demo_show_on_a_database_without_the_demo_says_so(app):
    shown = app.test_cli_runner().invoke(args=["demo", "--show"])
    assert shown.exit_code != 0
    assert "tidak berisi data demo" in shown.output


def test_seed_wilayah_is_idempotent_with_real_names(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-wilayah"]).exit_code == 0
    assert runner.invoke(args=["seed-wilayah"]).exit_code == 0
    with app.app_context():
        kelurahan = db.session.scalars(
            select(Wilayah.name).where(Wilayah.level == Level.KELURAHAN)
        ).all()
        assert len(kelurahan) == 20
        assert {"Komet", "Guntung Manggis", "Cempaka"} <= set(kelurahan)
        assert db.session.scalar(select(func.count()).where(Wilayah.level == Level.KECAMATAN)) == 5


def test_make_admin(app, make_user):
    with app.app_context():
        user = make_user("Pak Wali", phone="+6281377700011")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["make-admin", "0813-7770-0011"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        roles = db.session.scalars(
            select(RoleAssignment.role).where(RoleAssignment.user_id == user.id)
        ).all()
        assert roles == ["admin_kota"]
    unknown = runner.invoke(args=["make-admin", "0813-0000-9999"])
    assert unknown.exit_code != 0 and "Belum ada akun" in unknown.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(sys.platform != "linux", reason="gunicorn needs a POSIX system")
@pytest.mark.first_pass_only  # its own SQLite file whatever the suite's database
def test_serve_migrates_loads_demo_and_answers(tmp_path):
    """`rukun serve --demo` on an empty database: migrations, demo data, a real server,
    and the reminder worker beside it, stopped with the server."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "SECRET_KEY": "serve-test-secret-key-0123456789abcdef",
        "RUKUN_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    rukun = os.path.join(os.path.dirname(sys.executable), "rukun")
    proc = subprocess.Popen(
        [rukun, "serve", "--port", str(port), "--workers", "1", "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        health = None
        while time.monotonic() < deadline and health is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    health = json.load(r)
            except OSError:
                time.sleep(0.2)
        assert health == {"status": "ok", "database": "ok", "version": health["version"]}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/masuk", timeout=5) as r:
            page = r.read().decode()
        assert "Nomor HP" in page
        # The worker's first periodic run loads (here: creates) the VAPID key.
        key = tmp_path / "instance" / "vapid_private.pem"
        deadline = time.monotonic() + 30
        while not key.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=40)
    assert DEMO_PASSWORD in output  # the demo sign-ins are printed once
    assert "Pekerja pengingat berjalan (sqlite)." in output
    assert "Consumer exiting." in output  # the worker stopped gracefully with the server
    assert key.stat().st_mode & 0o777 == 0o600


def test_the_worker_refuses_to_start_on_an_unmigrated_database(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "SECRET_KEY": "worker-test-secret-key-0123456789abcdef",
        "RUKUN_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    rukun = os.path.join(os.path.dirname(sys.executable), "rukun")
    done = subprocess.run([rukun, "worker"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "jalankan `rukun db upgrade` dulu" in done.stderr


def test_the_operator_issues_a_reset_code_for_a_ketua_rw(app, world):
    """No pengurus may reset a ketua RW; the server's operator can, and it is logged and
    told to the person at their next sign-in."""
    from community.core.audit import AuditLog
    from tests.conftest import text_of
    from tests.forms import submit_form

    ketua_rw = world["ketua_rw"]
    result = app.test_cli_runner().invoke(args=["reset-code", ketua_rw.phone])
    assert result.exit_code == 0, result.output
    code = re.search(r"Kode reset untuk Ahmad Fauzi: (\d{8})", result.output).group(1)

    client = app.test_client()
    done = submit_form(client, "/lupa-sandi", "form[action='/lupa-sandi']",
                       {"phone": ketua_rw.phone, "code": code, "password": "sandi-baru-rw-2026"})  # fmt: skip
    assert done.status_code == 303
    page = submit_form(client, "/masuk", "form[action^='/masuk']",
                       {"phone": ketua_rw.phone, "password": "sandi-baru-rw-2026"},
                       follow_redirects=True)  # fmt: skip
    assert "dibuat oleh pengelola server Rukun" in text_of(page)
    with app.app_context():
        actions = db.session.scalars(
            select(AuditLog.action).where(AuditLog.target_user_id == ketua_rw.id)
        ).all()
        assert "reset_code_issued" in actions
    unknown = app.test_cli_runner().invoke(args=["reset-code", "0813-0000-9999"])
    assert unknown.exit_code != 0 and "Belum ada akun" in unknown.output
