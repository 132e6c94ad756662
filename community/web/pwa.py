"""The installable app: web app manifest, service worker (/sw.js, scope /) and the
offline page. The worker precaches the shell under its content-hashed names, and its
cache name changes whenever one of them does, so phones drop stale CSS/JS on the next
visit."""

from __future__ import annotations

import hashlib
from functools import cache

from flask import Response, current_app, jsonify, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from community import __version__, asset_dir
from community.web import bp
from community.web.htmx import render

SHELL_FILES = (
    "css/app.css",
    "js/app.js",
    "js/kept.js",
    "js/push.js",
    "icons/favicon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/maskable-512.png",
)


@cache
def _shell_version(shell_names: tuple[str, ...]) -> str:
    """Changes when any shell file (its hashed name) or the worker itself changes."""
    digest = hashlib.sha256(__version__.encode())
    digest.update((asset_dir("templates") / "web" / "sw.js").read_bytes())
    for name in shell_names:
        digest.update(name.encode())
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
    shell = [url_for("static", filename=name) for name in SHELL_FILES]  # the hashed names
    body = render_template(
        "web/sw.js",
        version=_shell_version(tuple(shell)),
        precache=[*shell, url_for("web.offline")],
        stylesheet=url_for("static", filename="css/app.css"),
        icon=url_for("static", filename="icons/icon-192.png"),
        kept_script=url_for("static", filename="js/kept.js"),
    )
    return Response(
        body,
        mimetype="text/javascript",
        headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
    )


@bp.get("/offline")
def offline():
    """Anyone: the offline page the service worker shows when the network is gone."""
    return render("web/offline.html")


@bp.get("/sesi.json")
def session_state():
    """Anyone; the phone asks before sending answers it kept without signal (#18). Signed in:
    200 JSON ``{"account": id, "csrf": token}`` (a fresh CSRF token for this session);
    signed out: 401 ``{"account": null}``, so nothing kept is sent. Never cached."""
    if current_user.is_authenticated:
        response = jsonify(account=current_user.id, csrf=generate_csrf())
    else:
        response = jsonify(account=None)
        response.status_code = 401
    response.headers["Cache-Control"] = "no-store"
    return response
