"""Static files: content-hashed names, compressed once at start, served by WhiteNoise in
front of the app (no request stack, no database, no session for a stylesheet).

At start every file under ``static/`` is copied into a build folder under its own name
and under a content-hashed one (``css/app.css`` → ``css/app.3f2a9c0b1d4e.css``), with
gzip and brotli copies made by WhiteNoise's compressor; WhiteNoise then answers with
``Content-Encoding`` chosen by ``Accept-Encoding``. ``url_for('static', filename=...)``
emits the hashed name, which is cached for a year as ``immutable``: a changed file gets a
new name, so no one ever keeps a stale one. The plain names still answer, briefly cached,
for links that cannot change (the push notification's icon).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

HASH_LENGTH = 12  # 48 bits: no two versions of one file will ever share a name
# A plain name may be a file that just changed: a browser checks again after 10 minutes.
PLAIN_MAX_AGE = 600
# A year is the longest lifetime caches honour (RFC 9111 §5.2 advises no more).
HASHED_MAX_AGE = 365 * 24 * 60 * 60
# Builds of earlier releases kept beside the current one, so a process still running an
# older release (a rolling restart) keeps serving its files.
KEEP_BUILDS = 5
MANIFEST = "manifest.json"


class StaticFiles(WhiteNoise):
    FOREVER = HASHED_MAX_AGE


def hashed_name(name: str, content: bytes) -> str:
    """``css/app.css`` → ``css/app.<first 12 hex digits of its sha256>.css``."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    folder, _, file = name.rpartition("/")
    stem, dot, suffix = file.rpartition(".")
    hashed = f"{stem}.{digest}.{suffix}" if dot and stem else f"{file}.{digest}"
    return f"{folder}/{hashed}" if folder else hashed


def hashed_names(static_folder: Path) -> dict[str, str]:
    """Every file under ``static_folder`` (``/``-separated, relative) → its hashed name."""
    names = {}
    for path in sorted(p for p in static_folder.rglob("*") if p.is_file()):
        name = path.relative_to(static_folder).as_posix()
        if not any(part.startswith(".") for part in name.split("/")):
            names[name] = hashed_name(name, path.read_bytes())
    return names


def build(static_folder: Path, builds: Path) -> tuple[Path, dict[str, str]]:
    """The build folder for the files as they are now (made once, shared by every process
    that starts with the same files) and the plain → hashed name map."""
    names = hashed_names(static_folder)
    key = hashlib.sha256(json.dumps(names, sort_keys=True).encode()).hexdigest()[:HASH_LENGTH]
    target = builds / key
    if (target / MANIFEST).is_file():
        return target, names
    builds.mkdir(parents=True, exist_ok=True)
    draft = Path(tempfile.mkdtemp(prefix=".draft-", dir=builds))
    try:
        compressor = Compressor(quiet=True)
        for name, hashed in names.items():
            for copy in (name, hashed):
                destination = draft / copy
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(static_folder / name, destination)
                if compressor.should_compress(copy):
                    compressor.compress(str(destination))
        (draft / MANIFEST).write_text(json.dumps(names, indent=1, sort_keys=True))
        draft.chmod(0o755)  # mkdtemp makes it 0700; a web server user may need to read it
        try:
            draft.rename(target)  # atomic: another worker starting at once made the same
        except OSError:
            if not (target / MANIFEST).is_file():
                raise
    finally:
        shutil.rmtree(draft, ignore_errors=True)
    _prune(builds, keep=target)
    return target, names


def _prune(builds: Path, keep: Path) -> None:
    others = sorted(
        (p for p in builds.iterdir() if p.is_dir() and p != keep and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in others[KEEP_BUILDS - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


def init_app(app: Flask, extra_headers: dict[str, str]) -> None:
    """Put WhiteNoise in front of ``app.wsgi_app`` for ``/static/`` and make
    ``url_for('static', ...)`` emit hashed names. ``extra_headers`` (the security headers)
    go on every file WhiteNoise serves."""
    folder, names = build(Path(app.static_folder), Path(app.config["STATIC_BUILD_FOLDER"]))
    hashed_urls = {f"/static/{hashed}" for hashed in names.values()}

    def add_headers(headers, path: str, url: str) -> None:
        for name, value in extra_headers.items():
            headers[name] = value

    static = StaticFiles(
        app.wsgi_app,
        max_age=PLAIN_MAX_AGE,
        allow_all_origins=False,  # no other site needs to read them
        add_headers_function=add_headers,
        immutable_file_test=lambda path, url: url in hashed_urls,
    )
    static.add_files(str(folder), prefix="static/")
    app.wsgi_app = static  # type: ignore[method-assign]
    app.extensions["rukun_static"] = names  # plain → hashed name, for tools and tests

    @app.url_defaults
    def _hashed_static(endpoint: str, values: dict) -> None:
        if endpoint == "static":
            values["filename"] = names.get(values.get("filename"), values.get("filename"))
