"""Page and RSVP latency on a kelurahan's worth of data, next to a bare Flask route.

    python -m benchmarks.generate && python -m benchmarks.pages [--requests 300]

Requests go through the WSGI stack in-process (werkzeug's test client), so the numbers
are the app's own cost without network noise; the bare route measured the same way is
the floor. Also reports SQL statements per request (must not grow with the data).
"""

from __future__ import annotations

import argparse
import html
import re
import statistics
import time

from flask import Flask
from sqlalchemy import event, select

from benchmarks.generate import DEFAULT_DB

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
MORE_LINK = re.compile(r'hx-get="(/\?setelah=[^"]+)"')  # "Lihat lebih banyak"


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 2),
    }


def _time(client, method: str, url: str, n: int, statements: list[int], **kwargs):
    samples, counts = [], []
    for _ in range(n):
        before = statements[0]
        started = time.perf_counter()
        response = getattr(client, method)(url, **kwargs)
        samples.append(time.perf_counter() - started)
        counts.append(statements[0] - before)
        assert response.status_code < 400, (url, response.status_code)
    return {**_percentiles(samples), "sql_statements": max(counts)}


def run(database_url: str, n: int) -> dict[str, dict]:
    from community import create_app
    from community.accounts.models import User
    from community.events.models import Activity
    from community.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False,
                      "SECRET_KEY": "benchmark-secret-key-0123456789abcdef"})  # fmt: skip
    statements = [0]
    with app.app_context():

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(*_args):
            statements[0] += 1

        user = db.session.scalar(select(User).where(User.rt_id.is_not(None)).limit(1))
        ident = user.get_id()
        activity_id = db.session.scalar(
            select(Activity.id)
            .where(Activity.wilayah_id == user.rt_id, Activity.starts_at > db.func.now())
            .order_by(Activity.starts_at)
            .limit(1)
        )
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = ident, True
    home = client.get("/").get_data(as_text=True)
    token = CSRF_META.search(home).group(1)
    more = MORE_LINK.search(home)

    bare = Flask("bare")
    bare.add_url_rule("/", "ok", lambda: "ok")
    bare_client = bare.test_client()
    zero = [0]
    results = {
        "bare Flask route": _time(bare_client, "get", "/", n, zero),
        "home feed": _time(client, "get", "/", n, statements),
        "home feed, page 2": _time(
            client,
            "get",
            html.unescape(more.group(1)),
            n,
            statements,
            headers={"HX-Request": "true"},
        ),
        "activity page": _time(client, "get", f"/kegiatan/{activity_id}", n, statements),
        "RSVP (htmx)": _time(
            client,
            "post",
            f"/kegiatan/{activity_id}/jawab",
            n,
            statements,
            data={"csrf_token": token, "answer": "hadir"},
            headers={"HX-Request": "true"},
        ),
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"sqlite:///{DEFAULT_DB}")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    for name, numbers in run(args.database, args.requests).items():
        print(f"{name:18} {numbers}")


if __name__ == "__main__":
    main()
