"""The installable app: web app manifest, service worker (/sw.js, scope /) and the
offline page. The worker's cache name changes whenever a shell file changes, so phones
drop stale CSS/JS on the next visit."""

from __future__ import annotations

import hashlib
from functools import cache

from flask import Response, current_app, render_template, url_for
from flask_babel import gettext as _

from community import __version__, asset_dir
from community.web import bp
from community.web.htmx import render

SHELL_FILES = (
    "css/app.css",
    "js/app.js",
    "js/push.js",
    "icons/favicon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/maskable-512.png",
)


@cache
def _shell_version(static_folder: str) -> str:
    """Changes when any shell file or the worker itself changes."""
    digest = hashlib.sha256(__version__.encode())
    digest.update((asset_dir("templates") / "web" / "sw.js").read_bytes())
    for name in SHELL_FILES:
        with open(f"{static_folder}/{name}", "rb") as fh:
            digest.update(fh.read())
    return digest.hexdigest()[:12]


@bp.get("/manifest.webmanifest")
def manifest():
    """Anyone, signed in or not: the web app manifest (JSON, ``application/manifest+json``) that
    makes Rukun installable."""
    data = {
        "id": "/",
        "name": "Rukun: kegiatan warga",
        "short_name": "Rukun",
        "description": _("Kegiatan warga RT dan RW di Banjarbaru"),
        "lang": "id",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": "#0f5132",
        "background_color": "#f6f8f7",
        "icons": [
            {"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192",
             "type": "image/png", "purpose": "any"},
            {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512",
             "type": "image/png", "purpose": "any"},
            {"src": url_for("static", filename="icons/maskable-512.png"), "sizes": "512x512",
             "type": "image/png", "purpose": "maskable"},
        ],
    }  # fmt: skip
    response = current_app.json.response(data)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    """Anyone (the browser installing the app): the service worker script, ``no-cache``; its cache
    name changes with the shell files, which it precaches with the offline page."""
    version = _shell_version(current_app.static_folder)
    precache = [url_for("static", filename=name) for name in SHELL_FILES] + [url_for("web.offline")]
    body = render_template("web/sw.js", version=version, precache=precache)
    return Response(
        body,
        mimetype="text/javascript",
        headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
    )


@bp.get("/offline")
def offline():
    """Anyone: the offline page the service worker shows when the network is gone."""
    return render("web/offline.html")
