"""The files in deploy/, run for real: nginx in front of a real `rukun serve` over TLS
(compression once, static files from disk with the app's headers, the client's address
reaching the rate limits, credentials out of the access log), the systemd units through
`systemd-analyze verify`, the PostgreSQL fragment through `postgres -C` and the Redis
settings through a real redis-server. ~6 s. Outside CI a missing tool skips its test; in
CI (CI=true) it fails, as .ci/run installs them all."""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest

from community import ROOT, asset_dir

pytestmark = [
    pytest.mark.first_pass_only,  # its own SQLite file whatever the suite's database
    pytest.mark.xdist_group("deploy"),  # one worker builds the module's fixture once
]

DEPLOY = ROOT / "deploy"
RUKUN = Path(sys.executable).with_name("rukun")
PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
    "Strict-Transport-Security",
)


def need(tool: str) -> str:
    """The path of ``tool``; skips the test without it, except in CI where it fails."""
    path = shutil.which(tool) or (str(PGBIN / tool) if (PGBIN / tool).is_file() else None)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is missing: .ci/run installs it")
        pytest.skip(f"{tool} is not installed")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"exited early: {proc.communicate()[0]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port} after {seconds} s")


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> str:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        return proc.communicate(timeout=30)[0] or ""
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()[0] or ""


# --- nginx ------------------------------------------------------------------------------


def nginx_files(tmp: Path, *, app_port: int, instance: Path) -> tuple[Path, int, int]:
    """deploy/nginx/rukun.conf with its placeholders pointed into ``tmp`` (self-signed
    certificate, logs, the instance folder, free ports on 127.0.0.1), inside a minimal
    nginx.conf. Returns that file and the HTTPS and HTTP ports."""
    tls = tmp / "tls"
    tls.mkdir()
    subprocess.run(
        [need("openssl"), "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(tls / "privkey.pem"), "-out", str(tls / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    (tmp / "logs").mkdir()
    https_port, http_port = free_port(), free_port()
    conf = (DEPLOY / "nginx" / "rukun.conf").read_text()
    for placeholder, value in (
        ("/etc/letsencrypt/live/rukun.example.id/", f"{tls}/"),
        ("rukun.example.id", "127.0.0.1"),
        ("/var/lib/rukun/", f"{instance}/"),
        ("/var/log/nginx/", f"{tmp}/logs/"),
        ("/var/www/letsencrypt", f"{tmp}/acme"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl"),
        ("listen 80 ", f"listen 127.0.0.1:{http_port} "),
    ):
        assert placeholder in conf, placeholder
        conf = conf.replace(placeholder, value)
    conf = re.sub(r"^\s*listen \[::\].*\n", "", conf, flags=re.M)  # no IPv6 in every sandbox
    (tmp / "rukun.conf").write_text(conf)
    temp_paths = "\n".join(
        f"    {kind}_temp_path {tmp}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = tmp / "nginx.conf"
    main.write_text(
        f"""{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/logs/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
{temp_paths}
    include {tmp}/rukun.conf;
}}
"""
    )
    return main, https_port, http_port


def nginx_command(main: Path, *args: str) -> list[str]:
    prefix = str(main.parent)
    return [need("nginx"), "-p", prefix, "-e", f"{prefix}/logs/startup.log", "-c", str(main), *args]


def test_nginx_accepts_the_config(tmp_path):
    main, _, _ = nginx_files(tmp_path, app_port=free_port(), instance=tmp_path / "instance")
    checked = subprocess.run(nginx_command(main, "-t"), capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
    assert "warn" not in checked.stderr, checked.stderr


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`rukun serve` in production mode (one proxy trusted, sign-in limited to 1 a minute
    per address) behind nginx started from deploy/nginx/rukun.conf."""
    need("nginx")
    tmp_path = tmp_path_factory.mktemp("served")
    app_port = free_port()
    instance = tmp_path / "instance"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("RUKUN_", "REDIS_URL", "DATABASE_URL"))
    }
    env.update(
        RUKUN_ENV="production",
        RUKUN_PROXY_COUNT="1",
        RUKUN_AUTH_LIMIT_PER_IP="1 per minute",
        SECRET_KEY="deploy-test-secret-key-0123456789abcdefghij",
        DATABASE_URL=f"sqlite:///{tmp_path / 'rukun.sqlite3'}",
        RUKUN_INSTANCE_PATH=str(instance),
        PYTHONUNBUFFERED="1",  # each access-log line in app.log as it happens
    )
    command = [str(RUKUN), "serve", "--no-worker", "--port", str(app_port), "--workers", "1"]
    app_log = tmp_path / "app.log"
    with app_log.open("w") as out:  # gunicorn's access log too: what reached the app
        app = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
    nginx = None
    try:
        wait_for_port(app_port, app)
        main, https_port, http_port = nginx_files(tmp_path, app_port=app_port, instance=instance)
        nginx = subprocess.Popen(
            nginx_command(main, "-g", "daemon off;"),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        wait_for_port(https_port, nginx)
        yield {
            "app_port": app_port,
            "https_port": https_port,
            "http_port": http_port,
            "cafile": tmp_path / "tls" / "fullchain.pem",
            "logs": tmp_path / "logs",
            "app_log": app_log,
        }
    finally:
        if nginx is not None:
            stop(nginx, signal.SIGQUIT)  # graceful: the access log is flushed
        stop(app)


class Client:
    """HTTPS to nginx from one loopback address (127.0.0.x), keeping its cookies."""

    def __init__(self, site: dict, address: str = "127.0.0.1") -> None:
        self.port = site["https_port"]
        self.context = ssl.create_default_context(cafile=str(site["cafile"]))
        self.address = address
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, **headers: str):
        conn = http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=self.context, source_address=(self.address, 0)
        )
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers = {k.replace("_", "-"): v for k, v in headers.items()}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response, data


def test_pages_and_static_files_through_nginx(served):
    client = Client(served)
    response, body = client.request("GET", "/masuk", Accept_Encoding="gzip")
    assert response.status == 200
    # Compressed once, by the app: one gunzip gives the page.
    assert response.headers.get_all("Content-Encoding") == ["gzip"]
    page = gzip.decompress(body).decode()
    assert page.lstrip().lower().startswith("<!doctype html")
    assert response.headers.get_all("Strict-Transport-Security") == [
        "max-age=63072000; includeSubDomains"
    ]  # the app's, not repeated by nginx
    assert "Secure" in response.headers["Set-Cookie"]

    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page).group(1)
    static, css = client.request("GET", stylesheet, Accept_Encoding="gzip")
    assert static.status == 200
    assert static.headers.get_all("Content-Encoding") == ["gzip"]
    assert gzip.decompress(css) == (asset_dir("static") / "css" / "app.css").read_bytes()
    assert static.headers["Cache-Control"] == "max-age=31536000, public, immutable"
    assert "Accept-Encoding" in static.headers["Vary"]

    plain, _ = client.request("GET", "/static/css/app.css")
    assert plain.status == 200
    assert plain.headers["Cache-Control"] == "max-age=600, public"

    # Served by nginx the way the app itself serves them.
    direct = http.client.HTTPConnection("127.0.0.1", served["app_port"])
    direct.request("GET", stylesheet)
    from_app = direct.getresponse()
    from_app.read()
    direct.close()
    for name in (*SECURITY_HEADERS, "Cache-Control"):
        assert static.headers.get_all(name) == from_app.headers.get_all(name), name
    deadline = time.monotonic() + 5
    while f"GET {stylesheet} " not in served["app_log"].read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    app_log = served["app_log"].read_text()
    assert "GET /masuk " in app_log  # the page came from the app, the stylesheet from disk
    assert app_log.count(f"GET {stylesheet} ") == 1  # only the direct request above

    http_conn = http.client.HTTPConnection("127.0.0.1", served["http_port"])
    http_conn.request("GET", "/masuk?next=%2F", headers={"Host": "127.0.0.1"})
    redirect = http_conn.getresponse()
    redirect.read()
    http_conn.close()
    assert redirect.status == 301
    assert redirect.headers["Location"] == "https://127.0.0.1/masuk?next=%2F"


def sign_in_attempt(client: Client, port: int, phone: str) -> int:
    _, body = client.request("GET", "/masuk")
    token = re.search(r'name="csrf_token" [^>]*value="([^"]+)"', body.decode()).group(1)
    form = {"csrf_token": token, "phone": phone, "password": "bukan-sandinya-123"}
    response, _ = client.request(
        "POST",
        "/masuk",
        body=urllib.parse.urlencode(form),
        Content_Type="application/x-www-form-urlencoded",
        Referer=f"https://127.0.0.1:{port}/masuk",
    )
    return response.status


def test_the_app_limits_the_client_address_not_nginx(served):
    port = served["https_port"]
    first = Client(served, "127.0.0.5")
    assert sign_in_attempt(first, port, "081234500001") == 422  # wrong password
    assert sign_in_attempt(first, port, "081234500002") == 429  # 1 a minute per address
    other = Client(served, "127.0.0.6")
    assert sign_in_attempt(other, port, "081234500003") == 422  # another address: its own


def test_the_access_log_holds_no_credential_url(served):
    client = Client(served)
    for path in (
        "/kalender/RAHASIAFEED123.ics",
        "/kegiatan/1/hadir/RAHASIAHADIR456",
        "/gabung/RAHASIAKODE789",
        "/masuk?next=%2Fgabung%2FRAHASIAKODE789",
    ):
        client.request("GET", path, Referer="https://127.0.0.1/gabung/RAHASIAREF000")
    client.request("GET", "/profil/kalender")
    client.request("GET", "/gabung/batal")
    time.sleep(0.2)
    log = (served["logs"] / "rukun.access.log").read_text()
    assert "RAHASIA" not in log
    assert "GET /kalender/***.ics " in log
    assert "GET /kegiatan/1/hadir/*** " in log
    assert "GET /gabung/*** " in log
    assert "GET /masuk?*** " in log
    assert "GET /profil/kalender " in log and "GET /gabung/batal " in log  # not secrets


# --- systemd, PostgreSQL, Redis ---------------------------------------------------------


def test_systemd_units_verify(tmp_path):
    """The units as shipped, with the install path of `rukun` pointed at this venv (the
    sandbox has no /opt/rukun); `systemd-analyze verify` must print nothing."""
    analyze = need("systemd-analyze")
    units = sorted((DEPLOY / "systemd").glob("rukun-*.*"))
    assert {u.name for u in units} == {
        "rukun-web.service", "rukun-worker.service", "rukun-backup.service", "rukun-backup.timer"
    }  # fmt: skip
    for unit in units:
        text = unit.read_text()
        if unit.suffix == ".service":
            assert "User=rukun" in text and "NoNewPrivileges=yes" in text
            assert "ProtectSystem=strict" in text and "ReadWritePaths=/var/lib/rukun" in text
        (tmp_path / unit.name).write_text(text.replace("/opt/rukun/venv/bin/rukun", str(RUKUN)))
    web = (tmp_path / "rukun-web.service").read_text()
    assert "serve --no-worker --host 127.0.0.1 --port 8000 --workers" in web
    checked = subprocess.run(
        [analyze, "verify", *(str(tmp_path / u.name) for u in units)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout + checked.stderr == ""


def test_the_postgresql_settings_are_accepted(tmp_path):
    """postgres -C loads the fragment like a server start would (an unknown setting or a
    bad value is fatal) and prints the value it settled on."""
    initdb, postgres = need("initdb"), need("postgres")
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="rukun-pgconf-"))
    try:
        folder.chmod(0o755)
        shutil.copy(DEPLOY / "postgresql.conf", folder / "rukun.conf")
        (folder / "rukun.conf").chmod(0o644)
        if as_postgres:
            shutil.chown(folder, "postgres")
        data = folder / "data"
        subprocess.run(
            [*as_postgres, initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync"],
            check=True, capture_output=True,
        )  # fmt: skip
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(f"include '{folder / 'rukun.conf'}'\n")
        for name, expected in (("max_connections", "40"), ("shared_buffers", "131072"),
                               ("synchronous_commit", "on"), ("log_parameter_max_length", "0")):  # fmt: skip
            shown = subprocess.run(
                [*as_postgres, postgres, "-D", str(data), "-C", name],
                capture_output=True,
                text=True,
            )
            assert shown.returncode == 0, shown.stderr
            assert shown.stdout.strip() == expected, name
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_redis_settings_are_accepted(tmp_path):
    server, cli = need("redis-server"), need("redis-cli")
    port = free_port()
    proc = subprocess.Popen(
        [server, str(DEPLOY / "redis.conf"), "--port", str(port), "--dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        wait_for_port(port, proc)

        def config(name: str) -> str:
            done = subprocess.run(
                [cli, "-p", str(port), "config", "get", name], capture_output=True, text=True
            )
            return done.stdout.split("\n")[1]

        assert config("maxmemory-policy") == "noeviction"  # a queue entry is never evicted
        assert config("maxmemory") == str(256 * 1024 * 1024)
        assert config("bind") == "127.0.0.1 -::1"
        assert config("appendonly") == "no" and config("save") == ""
    finally:
        stop(proc)
