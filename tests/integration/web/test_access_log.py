"""Feed, check-in and invite URLs are credentials: the access log shows them as ``***``,
under gunicorn (``rukun serve``) and under werkzeug's development server."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from werkzeug.serving import make_server

from community import create_app
from tests.conftest import test_config

SECRETS = ("FEEDSECRET0123abc", "CHECKINSECRET987", "INVITESECRET55", "REFERERSECRET77")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        headers={"Referer": "http://127.0.0.1/kalender/REFERERSECRET77.ics"},
    )
    try:
        # a Request built above from an http:// literal; urlopen follows the redirects
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _visit_secret_urls(port: int) -> None:
    assert _get(port, "/kalender/FEEDSECRET0123abc.ics") == 404
    # not signed in: redirected to /masuk?next=%2Fkegiatan%2F1%2Fhadir%2FCHECKINSECRET987
    assert _get(port, "/kegiatan/1/hadir/CHECKINSECRET987") == 200
    assert _get(port, "/gabung/INVITESECRET55") == 200


def _wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not start")


@pytest.mark.skipif(sys.platform != "linux", reason="gunicorn needs a POSIX system")
def test_gunicorn_access_log_hides_url_secrets(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'log.sqlite3'}",
        "SECRET_KEY": "access-log-test-secret-key-0123456789",
        "RUKUN_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    rukun = os.path.join(os.path.dirname(sys.executable), "rukun")
    proc = subprocess.Popen(
        [rukun, "serve", "--port", str(port), "--workers", "1", "--no-worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_until_up(port)
        _visit_secret_urls(port)
        time.sleep(0.5)  # let the worker write its last access line
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=40)
    assert '"GET /kalender/***.ics HTTP/1.1" 404' in output
    assert '"GET /kegiatan/1/hadir/*** HTTP/1.1" 302' in output
    assert "GET /masuk?next=%2Fkegiatan%2F1%2Fhadir%2F*** HTTP/1.1" in output
    assert '"GET /gabung/*** HTTP/1.1" 302' in output
    assert '"http://127.0.0.1/kalender/***.ics"' in output  # the Referer
    for secret in SECRETS:
        assert secret not in output


def test_werkzeug_request_log_hides_url_secrets(app, caplog):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            _visit_secret_urls(server.server_port)
    finally:
        server.shutdown()
        thread.join(timeout=10)
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET /kalender/***.ics HTTP/1.1" in line for line in lines), lines
    assert any("GET /gabung/*** HTTP/1.1" in line for line in lines), lines
    for secret in SECRETS:
        assert not [line for line in lines if secret in line]


def test_an_error_on_a_secret_url_is_logged_without_the_secret(tmp_path, caplog):
    """An unhandled error is logged with its path: not with the token in it."""
    app = create_app(test_config(tmp_path, PROPAGATE_EXCEPTIONS=False))

    @app.get("/uji/kalender/<token>.ics")
    def broken(token: str):
        raise RuntimeError("a bug while building the feed")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/uji/kalender/FEEDSECRET0123abc.ics")
    assert response.status_code == 500
    logged = [r.getMessage() for r in caplog.records]
    assert [m for m in logged if "/uji/kalender/***.ics" in m]
    assert not [m for m in logged if "FEEDSECRET0123abc" in m]
