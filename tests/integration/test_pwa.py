"""The installable app as the server delivers it: manifest, service worker, offline page."""

import json
import re

from tests.conftest import post_form


def test_manifest_makes_rukun_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data())
    assert manifest["id"] == "/" and manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"] == "Rukun"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png.get_data()[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(png.get_data()[16:20], "big")
        assert f"{width}x{width}" == icon["sizes"]
        png.close()


def test_every_page_links_the_manifest(client):
    assert '<link rel="manifest" href="/manifest.webmanifest">' in client.get("/").get_data(
        as_text=True
    )


def test_service_worker_is_served_at_the_root_with_a_versioned_shell(client):
    response = client.get("/sw.js")
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    version = re.search(r'const VERSION = "([0-9a-f]{12})"', body).group(1)
    assert '"rukun-shell-" + VERSION' in body
    # The shell is precached under its content-hashed names, each of which answers.
    precache = json.loads(re.search(r"const PRECACHE = (\[.*\]);", body).group(1))
    assert "/offline" in precache
    for plain in ("css/app.css", "js/app.js", "icons/icon-192.png"):
        folder, _, name = plain.rpartition("/")
        stem, _, suffix = name.rpartition(".")
        [hashed] = [
            p
            for p in precache
            if re.fullmatch(rf"/static/{folder}/{stem}\.[0-9a-f]{{12}}\.{suffix}", p)
        ]
        file = client.get(hashed)
        assert file.status_code == 200 and "immutable" in file.headers["Cache-Control"], hashed
        file.close()
    assert f"const STYLESHEET = {json.dumps(precache[0])};" in body  # the "not sent" page's CSS
    # The pages kept offline never include the ones with phone numbers or needs.
    cacheable = re.search(r"const CACHEABLE = \[(.*)\];", body).group(1)
    for private in ("profil", "tetangga", "wilayah", "peserta", "daftar-hadir"):
        assert private not in cacheable
    assert version == re.search(
        r'"([0-9a-f]{12})"', client.get("/sw.js").get_data(as_text=True)
    ).group(1)


def test_offline_page_needs_no_account(client):
    page = client.get("/offline")
    assert page.status_code == 200
    assert "Sedang offline" in page.get_data(as_text=True)


def test_sign_out_clears_caches_and_storage(world, as_user):
    response = post_form(as_user(world["resident_a"]), "/keluar")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
