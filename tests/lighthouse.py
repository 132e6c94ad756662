"""Lighthouse budget: ``python -m tests.lighthouse`` (a separate CI step: it is slow).

Starts Rukun with demo data on a free loopback port, answers the htmx CDN URL from the
npm copy over loopback HTTPS (Chromium maps unpkg.com there, so SRI is really checked),
runs Lighthouse 12 (mobile emulation) on the pages below, writes the scores to
``test-artifacts/lighthouse.json`` and exits non-zero when a budget is missed.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import logging
import os
import re
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
# Budgets from the issue: accessibility 100, best practices >= 95, SEO >= 90, performance >= 90.
BUDGET = {"accessibility": 1.0, "best-practices": 0.95, "seo": 0.90, "performance": 0.90}


def _self_signed(host: str, folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cdn.crt", folder / "cdn.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _fake_cdn(htmx_url: str, folder: Path) -> int:
    """Serve the npm copy of htmx at the CDN path over HTTPS on loopback; returns the port."""
    url = urlsplit(htmx_url)
    target = folder / "cdn" / url.path.lstrip("/")
    target.parent.mkdir(parents=True)
    target.write_bytes((ROOT / "node_modules/htmx.org/dist/htmx.min.js").read_bytes())

    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self):
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
            super().end_headers()

        def guess_type(self, path):
            return "application/javascript; charset=utf-8"

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder / "cdn"))
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_self_signed(url.hostname, folder))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def _start_app(folder: Path):
    from community import create_app
    from community.core.time import utcnow
    from community.demo import DEMO_PASSWORD, load_demo
    from community.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'lighthouse.sqlite3'}",
            "SECRET_KEY": "lighthouse-run-secret-key-0123456789abcdef",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        accounts = load_demo(now=utcnow())
        db.session.commit()
    resident = next(a for a in accounts if a.role.startswith("Warga"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    client = app.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    client.post(
        "/masuk", data={"csrf_token": token, "phone": resident.phone, "password": DEMO_PASSWORD}
    )
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    # The first activity on the resident's own feed: one they may see, soonest first.
    feed = client.get("/").get_data(as_text=True)
    activity_id = int(re.search(r'href="/kegiatan/(\d+)"', feed).group(1))
    return app, base, f"{cookie.key}={cookie.value}", activity_id


ATTEMPTS = 5


def _lighthouse(url: str, out: Path, chrome_flags: str, cookie: str | None) -> dict:
    cmd = [
        str(ROOT / "node_modules/.bin/lighthouse"),
        url,
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        f"--chrome-flags={chrome_flags}",
    ]
    if cookie:
        cmd.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")}
    # On a busy 2-core machine Lighthouse sometimes fails to record its trace (NO_NAVSTART);
    # that is the tool, not the page (its scores are not judged from a failed run): try up
    # to five times, a few seconds apart, before failing the step. Twice in a row was seen
    # on 2026-12-04, so three tries left too little room.
    for attempt in range(ATTEMPTS):
        if subprocess.run(cmd, env=env, timeout=180, check=False).returncode == 0:
            break
        print(f"lighthouse run {attempt + 1} failed, retrying", file=sys.stderr)
        time.sleep(5)
    else:
        raise RuntimeError(f"Lighthouse failed {ATTEMPTS} times on {url}")
    report = json.loads(out.read_text())
    return {name: cat["score"] for name, cat in report["categories"].items()}


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        app, base, cookie, activity_id = _start_app(folder)
        htmx_url = app.config["HTMX_URL"]
        cdn_port = _fake_cdn(htmx_url, folder)
        host = urlsplit(htmx_url).hostname
        flags = (
            "--headless=new --no-sandbox --disable-gpu "
            # quoted: Lighthouse splits --chrome-flags on spaces
            f"--host-resolver-rules='MAP {host}:443 127.0.0.1:{cdn_port}' "
            "--ignore-certificate-errors"
        )
        pages = {
            "welcome": (f"{base}/", None),
            "sign-in": (f"{base}/masuk", None),
            "home (resident)": (f"{base}/", cookie),
            "activity (resident)": (f"{base}/kegiatan/{activity_id}", cookie),
        }
        results, failures = {}, []
        for name, (url, page_cookie) in pages.items():
            scores = _lighthouse(url, folder / "report.json", flags, page_cookie)
            results[name] = scores
            for category, minimum in BUDGET.items():
                if (scores.get(category) or 0) < minimum:
                    failures.append(f"{name}: {category} {scores.get(category)} < {minimum}")
            print(f"{name:18} {scores}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "lighthouse.json").write_text(json.dumps(results, indent=2))
    if failures:
        print("Lighthouse budget missed:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
