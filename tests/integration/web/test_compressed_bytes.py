"""Compressed and cached bytes (#12): static files under content-hashed names, cached for
a year and compressed once at start (WhiteNoise, in front of the app); pages compressed by
the app (Flask-Compress); the first visit stays under 60 KB compressed, htmx included.

The test client goes through ``app.wsgi_app``, so through WhiteNoise as a browser would.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from pathlib import Path

import brotli

from community.web import assets

ROOT = Path(__file__).resolve().parents[3]
HTMX = ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
FIRST_VISIT_BUDGET = 60 * 1024
ASSET = re.compile(r'<(?:link|script)\b[^>]*?\b(?:href|src)="(/[^"]+)"')
# A CSRF token carries the second it was signed: two renders of one page differ there only.
CSRF_TOKEN = re.compile(rb'"[\w-]+\.[\w-]+\.[\w-]+"')


def _same_page(body: bytes) -> bytes:
    return CSRF_TOKEN.sub(b'"csrf"', body)


def _assets(html: str) -> list[str]:
    """The same-site files a page links: stylesheet, icons, manifest, scripts."""
    return sorted(set(ASSET.findall(html)))


def _fetch(client, url: str, encoding: str | None = None):
    headers = {"Accept-Encoding": encoding} if encoding else {}
    response = client.get(url, headers=headers)
    body = response.get_data()  # read whole: static files are streamed from disk
    response.close()
    return response, body


def test_a_hashed_static_url_is_immutable_and_compressed(app, client):
    html = client.get("/masuk").get_data(as_text=True)
    [css] = re.findall(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', html)
    [js] = re.findall(r'src="(/static/js/app\.[0-9a-f]{12}\.js)"', html)
    for url, name, mimetype in (
        (css, "css/app.css", "text/css"),
        (js, "js/app.js", "text/javascript"),
    ):
        original = (Path(app.static_folder) / name).read_bytes()
        plain, body = _fetch(client, url)
        assert plain.status_code == 200 and plain.mimetype == mimetype
        assert body == original
        directives = {d.strip() for d in plain.headers["Cache-Control"].split(",")}
        assert {"public", "max-age=31536000", "immutable"} <= directives, url
        assert "no-store" not in directives
        zipped, body = _fetch(client, url, "gzip")
        assert zipped.status_code == 200 and zipped.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in zipped.headers["Vary"]
        assert len(body) < len(original) / 2 and gzip.decompress(body) == original
        broken, body = _fetch(client, url, "br, gzip")
        assert broken.headers["Content-Encoding"] == "br"
        assert brotli.decompress(body) == original


def test_a_plain_static_name_is_cached_briefly(client):
    response, _ = _fetch(client, "/static/css/app.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]
    assert f"max-age={assets.PLAIN_MAX_AGE}" in response.headers["Cache-Control"]


def test_a_changed_file_gets_a_new_name(tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "app.css").write_text("body { color: black }\n" * 100)
    (static / "logo.svg").write_text("<svg></svg>")
    first, names = assets.build(static, tmp_path / "builds")
    (static / "css" / "app.css").write_text("body { color: navy }\n" * 100)
    second, changed = assets.build(static, tmp_path / "builds")
    assert changed["css/app.css"] != names["css/app.css"]
    assert re.fullmatch(r"css/app\.[0-9a-f]{12}\.css", changed["css/app.css"])
    assert changed["logo.svg"] == names["logo.svg"]  # unchanged: same name, still cached
    assert second != first and first.is_dir()  # the older release's files stay for a while
    built = second / changed["css/app.css"]
    assert b"navy" in built.read_bytes()
    assert gzip.decompress((second / (changed["css/app.css"] + ".gz")).read_bytes()) == (
        built.read_bytes()
    )
    assert assets.build(static, tmp_path / "builds")[0] == second  # made once, then reused


def test_a_page_is_compressed_when_asked(world, as_user):
    client = as_user(world["resident_a"])
    plain = client.get("/")
    zipped = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert zipped.status_code == 200 and zipped.headers["Content-Encoding"] == "gzip"
    vary = {v.strip() for v in zipped.headers["Vary"].split(",")}
    assert {"Accept-Encoding", "HX-Request"} <= vary
    assert zipped.headers["Cache-Control"] == "no-store"
    page = gzip.decompress(zipped.get_data())
    assert _same_page(page) == _same_page(plain.get_data())
    assert len(zipped.get_data()) < len(page) / 3
    assert "Content-Encoding" not in plain.headers


def test_a_small_response_is_sent_as_is(client):
    """Below COMPRESS_MIN_SIZE the bytes saved do not pay for the CPU."""
    response = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and len(response.get_data()) < 1024
    assert "Content-Encoding" not in response.headers


def test_first_visit_is_under_60_kb_compressed_including_htmx(app, client):
    """The sign-in page as a phone gets it (gzip), every file it links from this site, and
    htmx from the CDN: the pinned file (its SRI hash checked), gzipped as the CDN sends it."""
    htmx = HTMX.read_bytes()
    sri = "sha384-" + base64.b64encode(hashlib.sha384(htmx).digest()).decode()
    assert sri == app.config["HTMX_SRI"], "node_modules holds another htmx than base.html pins"
    page, body = _fetch(client, "/masuk", "gzip")
    assert page.headers["Content-Encoding"] == "gzip"
    sizes = {"/masuk": len(body), "htmx (CDN)": len(gzip.compress(htmx, compresslevel=6))}
    linked = _assets(gzip.decompress(body).decode())
    assert any(url.endswith(".css") for url in linked) and any(
        url.endswith(".js") for url in linked
    )
    for url in linked:
        response, data = _fetch(client, url, "gzip")
        assert response.status_code == 200, url
        sizes[url] = len(data)
    total = sum(sizes.values())
    assert total < FIRST_VISIT_BUDGET, f"{total} bytes: {sizes}"


def test_a_client_that_asks_for_nothing_gets_plain_bytes(app, client):
    page, body = _fetch(client, "/masuk", "identity")
    assert "Content-Encoding" not in page.headers and body.startswith(b"<!doctype html>")
    css, body = _fetch(client, "/static/css/app.css", "identity")
    assert "Content-Encoding" not in css.headers
    assert body == (Path(app.static_folder) / "css" / "app.css").read_bytes()


def test_exports_and_fragments_still_decode_to_the_same_bytes(world, as_user):
    """The Daftar Hadir CSV and an htmx request: compressed or not, the same bytes."""
    client = as_user(world["pengurus_a"])
    activity = world.activities["rt_a"].id
    for url, headers in (
        (f"/kegiatan/{activity}/daftar-hadir.csv", {}),
        (f"/kegiatan/{activity}", {"HX-Request": "true"}),
        (f"/kegiatan/{activity}", {}),
    ):
        plain = client.get(url, headers=headers)
        packed = client.get(url, headers={**headers, "Accept-Encoding": "gzip"})
        assert plain.status_code == packed.status_code == 200, url
        assert packed.mimetype == plain.mimetype
        body = packed.get_data()
        if packed.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        else:
            assert len(body) < 1024, url  # only a small body is sent as is
        assert _same_page(body) == _same_page(plain.get_data()), url
        assert "Accept-Encoding" in packed.headers["Vary"]
