"""``pip wheel .`` gives a wheel that runs Rukun on its own: templates, static files,
translations, migrations and data files travel inside it.

The wheel is built from a copy of the checkout (nothing is written into the work tree),
installed with ``--no-deps`` into a fresh virtualenv that sees this environment's
packages through a ``.pth`` file (the dependencies, but not the editable checkout), and
served by ``rukun serve`` from a folder far from the checkout."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from community import ROOT

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(sys.platform != "linux", reason="gunicorn needs a POSIX system"),
    pytest.mark.xdist_group("wheel"),  # one worker builds the wheel once
]

NOT_SHIPPED = (
    ".git", ".venv", "node_modules", "instance", "build", "dist", "*.egg-info",
    "__pycache__", ".pytest_cache", ".ruff_cache", "test-artifacts", "benchmarks",
)  # fmt: skip


def _run(*args: str | Path, cwd: Path, env: dict | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(port: int, path: str, language: str = "id") -> tuple[int, str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Accept-Language": language}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (http literal)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtualenv with only the built wheel of Rukun in it; its bin/ folder."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SHIPPED))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    _run(*pip, "wheel", "--no-deps", "-q", "-w", work / "dist", source, cwd=work)
    [wheel] = (work / "dist").glob("rukun-*.whl")
    venv = work / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work)
    bin_dir = venv / "bin"
    site = Path(
        _run(bin_dir / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
             cwd=work).strip()
    )  # fmt: skip
    # The dependencies from this environment; its own .pth files (the editable install
    # of the checkout) are not read from a folder added this way.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(*pip, "--python", bin_dir / "python", "install", "--no-deps", "-q", wheel, cwd=work)
    return bin_dir


def test_the_wheel_carries_what_the_app_reads(installed):
    code = (
        "import community, community.web.i18n as i18n; "
        "print(community.__file__); print(community.asset_dir('templates')); "
        "print(i18n.TRANSLATIONS); print(community.asset_dir('migrations'))"
    )
    paths = _run(installed / "python", "-c", code, cwd=installed.parent).split()
    venv = str(installed.parent)
    assert all(p.startswith(venv) for p in paths), paths  # nothing read from the checkout
    package = Path(paths[0]).parent
    for shipped in (
        "templates/base.html", "templates/web/sw.js", "static/css/app.css",
        "translations/en/LC_MESSAGES/messages.po", "migrations/env.py",
        "migrations/alembic.ini", "areas/data/banjarbaru.json",
        "accounts/data/common-passwords.txt",
    ):  # fmt: skip
        assert (package / shipped).is_file(), shipped
    assert list((package / "migrations" / "versions").glob("*.py"))


def test_the_installed_wheel_serves_rukun(installed, tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATABASE_URL")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'wheel.sqlite3'}",
        SECRET_KEY="wheel-test-secret-key-0123456789abcdef",
        RUKUN_INSTANCE_PATH=str(tmp_path / "instance"),
    )
    server = subprocess.Popen(
        [installed / "rukun", "serve", "--port", str(port), "--workers", "1", "--no-worker"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        status = None
        while status != 200 and time.monotonic() < deadline:
            try:
                status, _ = _fetch(port, "/healthz")
            except OSError:
                time.sleep(0.3)
        assert status == 200, "the installed app did not start"
        status, home = _fetch(port, "/")  # signed out: the front page, or /masuk
        assert status == 200 and "Rukun" in home
        assert _fetch(port, "/static/css/app.css")[0] == 200
        assert _fetch(port, "/sw.js")[0] == 200
        status, english = _fetch(port, "/masuk", language="en")
        assert status == 200 and "Phone number" in english  # the compiled translation
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=40)
    assert "Traceback" not in output, output
