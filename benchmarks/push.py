"""Reminder push throughput: the real ``rukun worker`` against a stand-in push service.

    .venv/bin/python -m benchmarks.push [--n 10000] [--deadline 120] [--fast-standin]

A fresh SQLite database in a temporary folder gets N users, each with one push
subscription to the stand-in service (tests/pushservice.py, run in this process on
127.0.0.1) and one due reminder.  The worker runs as a separate process (the
``rukun worker`` command, its instance folder (RUKUN_INSTANCE_PATH) in the temporary
folder so its Huey queue is its own); this process polls the outbox until every row is sent or the
deadline passes, then stops the worker with SIGINT.  Reported: messages/s from the first
claim to the last "sent", the encryption-only rate (pywebpush's per-message work, in
process), the worker's peak RSS, and what the stand-in received (each payload decrypted
and compared).  The stand-in shares the machine's cores with the worker: it verifies
VAPID and decrypts every body in Python.  ``--fast-standin`` verifies each distinct
VAPID header once and does not decrypt, to see how much of the wall time is the stand-in.

Exit status 1 if a message was lost (not sent, or not received); a missed speed or
memory target is printed but is not an error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import types
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

TARGET_RATE = 1000  # messages per second, end to end
TARGET_RSS_MB = 300
LEASE_SECONDS = 120  # RUKUN_PUSH_LEASE_SECONDS: a row was claimed at lease_until - this
PAYLOAD = {
    "title": "Pengingat: Kerja bakti bersihkan saluran RT 03",
    "body": "Sabtu, 12 Desember 2026 pukul 07.00 WITA · Pos kamling, bawa cangkul dan sarung tangan",
    "url": "/kegiatan/1",
    "tag": "rukun-a1",
}
TOPIC = "rukun-a1"

# ``rukun worker`` exactly as deployed; its instance folder (Huey's SQLite queue) is the
# benchmark's temporary folder (RUKUN_INSTANCE_PATH), not the checkout's.
WORKER_BOOTSTRAP = 'from community.cli import main\nmain(["worker"], prog_name="rukun")\n'


def _fast_standin() -> None:
    """Make the stand-in cheap: VAPID checked once per distinct header, no decryption."""
    from tests import pushservice

    real_verify, seen = pushservice.verify_vapid, {}

    def verify_once(header, audience, server_key, *, now):
        key = (header, audience, server_key)
        if key not in seen:
            seen[key] = real_verify(header, audience, server_key, now=now)
        return seen[key]

    pushservice.verify_vapid = verify_once
    pushservice.http_ece = types.SimpleNamespace(decrypt=lambda body, **_kwargs: body)


def _vapid_pem() -> tuple[object, str]:
    from cryptography.hazmat.primitives import serialization
    from py_vapid import Vapid

    vapid = Vapid()
    vapid.generate_keys()
    pem = vapid.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return vapid, pem.decode()


def build(database_url: str, infos: list[dict], payload: str) -> float:
    """Users, subscriptions and due reminders, ids 1..N; returns the seconds it took."""
    from community import create_app
    from community.accounts.models import User
    from community.extensions import db
    from community.notifications.models import PushMessage, PushSubscription

    started = time.perf_counter()
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False,
                      "SECRET_KEY": "benchmark-secret-key-0123456789abcdef",
                      "WORKER_BACKEND": "memory"})  # fmt: skip
    now = datetime.now(UTC)
    due, expires = now - timedelta(seconds=1), now + timedelta(days=1)
    starts = int(expires.timestamp())
    with app.app_context():
        db.create_all()
        users, subs, messages = [], [], []
        for i, info in enumerate(infos, start=1):
            users.append({"id": i, "phone": f"+62816{i:08d}", "name": f"Warga {i}",
                          "password_hash": "x", "session_token": f"t{i}", "created_at": now})  # fmt: skip
            subs.append({"id": i, "user_id": i, "endpoint": info["endpoint"],
                         "p256dh": info["keys"]["p256dh"], "auth": info["keys"]["auth"],
                         "device": "Android", "created_at": now})  # fmt: skip
            messages.append({"id": i, "subscription_id": i, "user_id": i, "ref": "activity:1",
                             "kind": "reminder", "subject": f"a1:rem:{starts}:{int(due.timestamp())}",
                             "due_at": due, "expires_at": expires, "status": "pending",
                             "attempts": 0, "payload": payload, "topic": TOPIC,
                             "urgency": "normal", "last_error": "", "created_at": now})  # fmt: skip
        for table, rows in ((User, users), (PushSubscription, subs), (PushMessage, messages)):
            for chunk in range(0, len(rows), 5000):
                db.session.execute(insert(table), rows[chunk : chunk + 5000])
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return time.perf_counter() - started


def _parse_utc(text: str | None) -> float | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def _proc_status(pid: int) -> dict[str, int]:
    """VmRSS/VmHWM in kB from /proc (psutil is not a dependency)."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, number = line.split()[:2]
                values[name.rstrip(":")] = int(number)
    except OSError:
        pass
    return values


def run_worker(
    tmp: Path, database: Path, pem: str, deadline: float, concurrency: int | None, batch: int | None
) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "REDIS_URL"))}
    env.update({
        "DATABASE_URL": f"sqlite:///{database}",
        "RUKUN_PUSH_CHECK_ENDPOINTS": "0",  # the stand-in is http://127.0.0.1 (benchmarks/tests only)
        "RUKUN_VAPID_PRIVATE_KEY": pem,
        "RUKUN_WORKER": "sqlite",
        "RUKUN_PUSH_LEASE_SECONDS": str(LEASE_SECONDS),
        "RUKUN_INSTANCE_PATH": str(tmp / "instance"),
        "SECRET_KEY": "benchmark-secret-key-0123456789abcdef",
        "PYTHONUNBUFFERED": "1",
    })  # fmt: skip
    if concurrency:
        env["RUKUN_PUSH_CONCURRENCY"] = str(concurrency)
    if batch:
        env["RUKUN_PUSH_BATCH"] = str(batch)
    log_path = tmp / "worker.log"
    load = os.getloadavg()
    poll = sqlite3.connect(database, timeout=5)
    poll.execute("PRAGMA query_only=1")
    self_cpu = resource.getrusage(resource.RUSAGE_SELF)
    self_cpu_before = self_cpu.ru_utime + self_cpu.ru_stime
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the worker is the only child
    children_before = children.ru_utime + children.ru_stime
    with open(log_path, "wb") as log:
        started = time.time()
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and a fixed script
            [sys.executable, "-c", WORKER_BOOTSTRAP], env=env, cwd=tmp, stdout=log, stderr=log
        )
        first_claim = None
        statuses: Counter = Counter()
        peak = {"VmHWM": 0, "VmRSS": 0}
        try:
            while time.time() - started < deadline:
                for _ in range(5):  # memory every 20 ms, the outbox every 100 ms
                    time.sleep(0.02)
                    for key, value in _proc_status(worker.pid).items():
                        peak[key] = max(peak.get(key, 0), value)
                statuses = Counter(
                    dict(poll.execute("SELECT status, count(*) FROM push_message GROUP BY status"))
                )
                leased = poll.execute(
                    "SELECT min(lease_until) FROM push_message WHERE lease_until IS NOT NULL"
                ).fetchone()[0]
                if leased is not None:
                    claimed_at = _parse_utc(leased) - LEASE_SECONDS
                    first_claim = (
                        claimed_at if first_claim is None else min(first_claim, claimed_at)
                    )
                if worker.poll() is not None:
                    break
                if statuses["pending"] + statuses["sending"] == 0:
                    break
            finished = time.time()
        finally:
            for key, value in _proc_status(worker.pid).items():
                peak[key] = max(peak.get(key, 0), value)
            exit_code = worker.poll()
            if exit_code is None:
                worker.send_signal(signal.SIGINT)  # graceful, like `rukun serve` stops it
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
            stopped = exit_code is None
            exit_code = worker.returncode
    self_cpu = resource.getrusage(resource.RUSAGE_SELF)
    # CPU of the whole life, up to its exit.  (Not ru_maxrss: a child's counts the parent's
    # memory at fork, here the stand-in's 10 000 subscribers.)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    at_deadline = dict(statuses)
    sent_ids = {i for (i,) in poll.execute("SELECT id FROM push_message WHERE status = 'sent'")}
    first_sent, last_sent = poll.execute(
        "SELECT min(sent_at), max(sent_at) FROM push_message"
    ).fetchone()
    statuses = Counter(
        dict(poll.execute("SELECT status, count(*) FROM push_message GROUP BY status"))
    )
    errors = Counter(
        dict(
            poll.execute(
                "SELECT last_error, count(*) FROM push_message WHERE last_error != '' GROUP BY last_error"
            )
        )
    )
    poll.close()
    log_text = log_path.read_text(errors="replace")
    batches = [float(s) for s in re.findall(r"push batch claimed=\d+ .* in ([\d.]+)s", log_text)]
    return {
        "started": started,
        "load": load,
        "finished": finished,
        "first_claim": first_claim,
        "first_sent": _parse_utc(first_sent),
        "last_sent": _parse_utc(last_sent),
        "statuses": statuses,
        "sent_ids": sent_ids,
        "errors": errors,
        "peak_rss_kb": max(peak.values()),
        "worker_cpu": children.ru_utime + children.ru_stime - children_before,
        "at_deadline": at_deadline,
        "standin_cpu": self_cpu.ru_utime + self_cpu.ru_stime - self_cpu_before,
        "worker_exit": exit_code,
        "worker_stopped": stopped,
        "batch_send_seconds": batches,
        "log": log_text,
    }


def encryption_rate(infos: list[dict], vapid, payload: str, count: int) -> float:
    """Messages/s of the sender's per-message work without the network: a WebPusher,
    a fresh ECDH key, aes128gcm, the headers (VAPID cached as in the worker)."""
    from pywebpush import WebPusher

    from community.notifications.sender import VapidSigner

    signer = VapidSigner(vapid, "mailto:bench@rukun.example")
    started = time.perf_counter()
    for i in range(count):
        info = infos[i % len(infos)]
        headers = signer.headers(info["endpoint"])
        headers["Urgency"], headers["Topic"] = "normal", TOPIC
        WebPusher(info)._prepare_send_data(payload, headers=headers, ttl=3600)
    return count / (time.perf_counter() - started)


def check_received(
    subscribers: list, sent_ids: set[int], payload: bytes, decrypted: bool
) -> dict[str, int]:
    """Row id i is subscriber i - 1.  A row marked sent whose subscriber got nothing is a
    lost message; a row not sent whose subscriber got it will be sent again (the phone
    hides the repeat)."""
    counts = Counter(len(s.received) for s in subscribers)
    wrong = sum(
        1
        for s in subscribers
        for d in s.received
        if (decrypted and d.payload != payload) or d.topic != TOPIC or not d.ttl
    )
    return {
        "received": sum(len(s.received) for s in subscribers),
        "missing": counts[0],
        "sent_not_received": sum(1 for i in sent_ids if not subscribers[i - 1].received),
        "received_not_sent": sum(
            1 for i, s in enumerate(subscribers, 1) if s.received and i not in sent_ids
        ),
        "duplicates": sum((k - 1) * v for k, v in counts.items() if k > 1),
        "wrong": wrong,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="users, subscriptions, reminders")
    parser.add_argument(
        "--deadline", type=float, default=120.0, help="seconds to wait for the worker"
    )
    parser.add_argument(
        "--encrypt", type=int, default=2000, help="messages for the encryption-only rate"
    )
    parser.add_argument(
        "--concurrency", type=int, help="RUKUN_PUSH_CONCURRENCY (default: the app's)"
    )
    parser.add_argument("--batch", type=int, help="RUKUN_PUSH_BATCH (default: the app's)")
    parser.add_argument(
        "--fast-standin",
        action="store_true",
        help="stand-in skips decryption and repeat VAPID checks",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (database, worker.log)"
    )
    args = parser.parse_args()
    if not 1 <= args.n <= 200_000:
        parser.error("--n must be between 1 and 200000")
    args.deadline = min(args.deadline, 600.0)

    from community.notifications.services import application_server_key
    from tests.pushservice import PushService

    if args.fast_standin:
        _fast_standin()
    payload = json.dumps(PAYLOAD, ensure_ascii=False, separators=(",", ":"))
    tmp = Path(tempfile.mkdtemp(prefix="rukun-push-bench-"))
    database = tmp / "push.sqlite3"
    try:
        vapid, pem = _vapid_pem()
        server_key = application_server_key(vapid)
        with PushService() as service:
            pairs = [service.subscribe(server_key) for _ in range(args.n)]
            subscribers, infos = [p[0] for p in pairs], [p[1] for p in pairs]
            setup = build(f"sqlite:///{database}", infos, payload)
            print(f"setup: {args.n} users/subscriptions/reminders in {setup:.1f}s ({tmp})")
            result = run_worker(tmp, database, pem, args.deadline, args.concurrency, args.batch)
            time.sleep(0.2)  # let the last handler threads append
            received = check_received(
                subscribers, result["sent_ids"], payload.encode(), not args.fast_standin
            )
        encrypt = encryption_rate(infos, vapid, payload, args.encrypt)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return report(args, payload, result, received, encrypt)


def report(args, payload: str, result: dict, received: dict, encrypt: float) -> int:
    n, statuses, sent = args.n, result["statuses"], result["statuses"].get("sent", 0)
    window = None
    if result["first_claim"] and result["last_sent"]:
        window = max(result["last_sent"] - result["first_claim"], 1e-6)
    rate = sent / window if window else 0.0
    rss_mb = result["peak_rss_kb"] / 1024
    standin = "fast" if args.fast_standin else "verifying VAPID + decrypting"
    errors = f"  errors {dict(result['errors'])}" if result["errors"] else ""
    left = sum(result["at_deadline"].get(k, 0) for k in ("pending", "sending"))
    sends = result["batch_send_seconds"]
    how = "stopped with SIGINT" if result["worker_stopped"] else "DIED by itself"
    lines = [
        f"N                     {n}  (payload {len(payload.encode())} bytes, stand-in {standin})",
        f"outbox                {dict(statuses)}{errors}",
        f"end to end            {rate:.0f} msg/s  ({sent} sent in {window or 0:.2f}s, first claim to last sent)",
        f"worker start to done  {result['finished'] - result['started']:.2f}s  (includes interpreter start and imports)",
    ]  # fmt: skip
    if left:
        lines.append(
            f"  DEADLINE PASSED     {left} rows pending/sending then; SIGINT lets Huey finish the running dispatch_due then it is stopped (15 s)"
        )
    if sends:
        lines.append(
            f"  batches             {len(sends)}, {sum(sends):.2f}s inside them as the worker logs it (the rest: claims, gaps)"
        )
    lines += [
        f"encryption only       {encrypt:.0f} msg/s  ({args.encrypt} messages, one core, in process)",
        f"CPU seconds           worker {result['worker_cpu']:.1f} (start-up included), stand-in + poller {result['standin_cpu']:.1f}  ({os.cpu_count()} cores)",
        f"load average          {result['load'][0]:.2f} at start, {os.getloadavg()[0]:.2f} at end  (other work on the machine skews the numbers)",
        f"worker peak RSS       {rss_mb:.0f} MB  (/proc VmHWM/VmRSS every 20 ms; {how}, exit {result['worker_exit']})",
        f"stand-in received     {received['received']}  (subscribers with nothing {received['missing']}, duplicates {received['duplicates']}, wrong {received['wrong']})",
        f"target >= {TARGET_RATE} msg/s    {'PASS' if rate >= TARGET_RATE else 'FAIL'}",
        f"target RSS < {TARGET_RSS_MB} MB    {'PASS' if rss_mb < TARGET_RSS_MB else 'FAIL'}",
    ]  # fmt: skip
    print("\n".join(lines))
    if sent < n or received["missing"] or received["sent_not_received"] or received["wrong"]:
        print(
            f"MESSAGES LOST: {n - sent} rows not sent ({received['received_not_sent']} of them reached "
            f"the stand-in before the worker stopped), {received['sent_not_received']} marked sent "
            f"but never received, {received['wrong']} wrong"
        )
        print("worker log (tail):\n  " + "\n  ".join(result["log"].strip().splitlines()[-12:]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
