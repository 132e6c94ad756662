"""The floor ``rukun bench`` compares with: a bare Flask app rendering one small Jinja
template, served by the same gunicorn settings as ``rukun serve`` (the same function).

    python -m community.bench.bare --port 8001
"""

from __future__ import annotations

import argparse

from flask import Flask, render_template
from jinja2 import DictLoader

PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>{{ title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>{{ title }}</h1>
<ul>{% for item in items %}<li><a href="/kegiatan/{{ loop.index }}">{{ item }}</a></li>{% endfor %}</ul>
</main></body></html>
"""


def create_bare_app() -> Flask:
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"page.html": PAGE})
    items = [f"Kerja bakti RT {n:02d}" for n in range(1, 11)]

    @app.get("/")
    def page():
        return render_template("page.html", title="Kegiatan warga", items=items)

    return app


def main(argv: list[str] | None = None) -> None:
    from community.cli import _run_gunicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    _run_gunicorn(create_bare_app(), "127.0.0.1", args.port, args.workers)


if __name__ == "__main__":
    main()
