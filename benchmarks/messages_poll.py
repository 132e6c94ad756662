"""The request budget of open conversation pages (#13): 500 conversations open on 500
phones, each showing a page of 100 messages and polling
``GET /pesan/<id>/baru?setelah=<last id>&dari=<first id>&sejak=<time>`` with nothing new
or changed (204).

    python -m benchmarks.messages_poll [--pages 500] [--duration 10] [--database URL]

The budget (``community.messages.rules``): a visible page asks every 4 s right after a
message, then 8, 15 and 30 s while nothing comes; a hidden tab asks nothing. So N open,
visible pages make at most N / 4 requests a second (everyone just wrote) and N / 30 once
conversations go quiet. This script runs the polls in-process (werkzeug's test client, no
network, one thread) at both rates, paced, and prints the achieved requests/s, server CPU
ms per poll (this process's CPU time: it is the server), p50/p95 latency and the SQL
statements of one empty poll; then the most polls a second one core answers.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

PAGE = 100  # messages a conversation page shows (messages.queries.PAGE_MESSAGES)


def _setup(database_url: str, pages: int):
    from flask_migrate import upgrade

    from community import create_app
    from community.accounts.models import User
    from community.core.time import utcnow
    from community.extensions import db
    from community.messages.models import Conversation, ConversationMember, Message

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False,
                      "SECRET_KEY": "benchmark-secret-key-0123456789abcdef"})  # fmt: skip
    with app.app_context():
        upgrade()
        now = utcnow()
        users = [User(name=f"Warga Bench {n}", phone=f"+6281355{n:06d}", password_hash="x")  # noqa: S106
                 for n in range(2 * pages)]  # fmt: skip
        db.session.add_all(users)
        db.session.flush()
        pollers = []
        for n in range(pages):
            a, b = users[2 * n], users[2 * n + 1]
            talk = Conversation(low_user_id=a.id, high_user_id=b.id, created_at=now,
                                last_message_at=now)  # fmt: skip
            db.session.add(talk)
            db.session.flush()
            db.session.add_all([ConversationMember(conversation_id=talk.id, user_id=a.id),
                                ConversationMember(conversation_id=talk.id, user_id=b.id)])  # fmt: skip
            # A full page (100 messages) is shown: the poll also asks which of them were
            # deleted or hidden since its last answer (dari = the first, sejak = then).
            shown = [Message(conversation_id=talk.id, sender_id=(a, b)[i % 2].id,
                             body=f"Halo {i}", created_at=now) for i in range(PAGE)]  # fmt: skip
            db.session.add_all(shown)
            db.session.flush()
            since = f"{now.timestamp():.3f}"
            pollers.append((a.get_id(), f"/pesan/{talk.id}/baru?setelah={shown[-1].id}"
                                        f"&dari={shown[0].id}&sejak={since}"))  # fmt: skip
        db.session.commit()
    clients = []
    for ident, url in pollers:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = ident, True
        clients.append((client, url))
    return app, clients


def _poll(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url, headers={"HX-Request": "true"})
    elapsed = time.perf_counter() - started
    assert response.status_code == 204, (url, response.status_code)
    return elapsed


def _paced(clients, rate: float, duration: float) -> dict[str, float]:
    """Polls at ``rate`` a second for ``duration`` seconds, round the open pages."""
    total = max(1, int(rate * duration))
    samples = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for k in range(total):
        due = wall0 + k / rate
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        client, url = clients[k % len(clients)]
        samples.append(_poll(client, url))
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    ordered = sorted(samples)
    return {
        "target_req_s": round(rate, 1),
        "req_s": round(total / wall, 1),
        "cpu_ms_per_poll": round(cpu / total * 1000, 2),
        "cpu_share_of_one_core": round(cpu / wall, 3),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 2),
    }


def _flat_out(clients, n: int) -> dict[str, float]:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for k in range(n):
        client, url = clients[k % len(clients)]
        _poll(client, url)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return {"req_s": round(n / wall, 1), "cpu_ms_per_poll": round(cpu / n * 1000, 2)}


def main(argv: list[str] | None = None) -> dict:
    from community.extensions import db
    from community.messages import rules

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--database", default=None, help="SQLAlchemy URL of an EMPTY database")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'poll.sqlite3'}"
        app, clients = _setup(url, args.pages)
        for client, poll_url in clients:  # warm up: every session once
            _poll(client, poll_url)
        statements: list[str] = []
        with app.app_context():
            engine = db.engine
        listener = lambda *a: statements.append(a[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        _poll(*clients[0])
        event.remove(engine, "before_cursor_execute", listener)
        sql = [s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "PRAGMA"))]
        results = {
            "pages": args.pages,
            "sql_statements_per_empty_poll": len(sql),
            "busy (every page just wrote: N/4 s)": _paced(
                clients, rules.polls_per_second(args.pages, 0), args.duration
            ),
            "quiet (back-off at 30 s: N/30 s)": _paced(
                clients, rules.polls_per_second(args.pages, 3), args.duration
            ),
            "flat out, one thread": _flat_out(clients, min(2000, 4 * args.pages)),
        }
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    print(
        f"\n{args.pages} open conversation pages, empty polls (204), in-process, {url.split(':')[0]}"
    )
    print(f"SQL statements per empty poll: {results['sql_statements_per_empty_poll']} "
          "(load the signed-in user; membership + newer messages)")  # fmt: skip
    print("\n| rate | target req/s | req/s | CPU ms/poll | CPU share of 1 core | p50 ms | p95 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in ("busy (every page just wrote: N/4 s)", "quiet (back-off at 30 s: N/30 s)"):
        r = results[name]
        print(f"| {name} | {r['target_req_s']} | {r['req_s']} | {r['cpu_ms_per_poll']} | "
              f"{r['cpu_share_of_one_core']} | {r['p50_ms']} | {r['p95_ms']} |")  # fmt: skip
    flat = results["flat out, one thread"]
    print(f"\nFlat out, one thread: {flat['req_s']} polls/s, {flat['cpu_ms_per_poll']} CPU ms/poll")
    return results


if __name__ == "__main__":
    main()
