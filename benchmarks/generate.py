"""Generate one kelurahan's worth of data for the benchmarks.

30 RTs of ~130 households in Kelurahan Komet, and a year of activities of every kind
(weekly pengajian per RW, monthly gotong royong and arisan per RT, olahraga, pelatihan
and musyawarah) with answers and attendance, around a fixed "now".

    python -m benchmarks.generate [--database sqlite:///benchmarks/.data/bench.sqlite3]

Rows are inserted in bulk (Core ``insert`` with lists of dicts): the ORM's per-object
overhead would make this take minutes.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

BENCH_NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # a Tuesday morning in WITA
DEFAULT_DB = Path(__file__).resolve().parent / ".data" / "bench.sqlite3"
RWS, RTS_PER_RW, HOUSEHOLDS = 6, 5, 130
PASSWORD = "bench-password-2026"  # noqa: S105 - synthetic accounts on a throwaway database


def build(database_url: str, *, seed: int = 2026) -> dict[str, int]:
    from community import create_app
    from community.accounts.models import User
    from community.accounts.services import hasher
    from community.areas import services as areas
    from community.areas.models import RoleAssignment, Wilayah
    from community.events.models import Activity, Attendance, Rsvp
    from community.extensions import db

    rng = random.Random(seed)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False})
    started = time.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        areas.ensure_wilayah_tree()
        kelurahan = db.session.scalar(select(Wilayah).where(Wilayah.name == "Komet"))
        rws, rts = [], []
        for rw_number in range(1, RWS + 1):
            rw = areas.add_child(kelurahan, rw_number)
            rws.append(rw)
            for rt_number in range(1, RTS_PER_RW + 1):
                rts.append(areas.add_child(rw, rt_number))
        db.session.commit()

        password_hash = hasher.hash(PASSWORD)
        users = []
        n = 0
        for rt in rts:
            for _ in range(HOUSEHOLDS):
                n += 1
                users.append({"phone": f"+62815{n:08d}", "name": f"Warga {n}",
                              "password_hash": password_hash, "rt_id": rt.id,
                              "session_token": f"t{n}", "created_at": BENCH_NOW})  # fmt: skip
        db.session.execute(insert(User), users)
        ids_by_rt: dict[int, list[int]] = {}
        for uid, rt_id in db.session.execute(select(User.id, User.rt_id)):
            ids_by_rt.setdefault(rt_id, []).append(uid)
        roles = [{"user_id": ids_by_rt[rt.id][0], "wilayah_id": rt.id, "role": "ketua_rt",
                  "created_at": BENCH_NOW} for rt in rts]  # fmt: skip
        db.session.execute(insert(RoleAssignment), roles)

        activities = []
        start_of_year = BENCH_NOW - timedelta(days=182)

        def add(scope, kind, title, start, hours, capacity=None):
            activities.append({"wilayah_id": scope.id, "kind": kind, "title": title,
                               "description": "", "place": "Balai warga",
                               "accessibility_notes": "", "starts_at": start,
                               "ends_at": start + timedelta(hours=hours), "capacity": capacity,
                               "seats_taken": 0, "is_cancelled": False, "cancel_reason": "",
                               "created_at": BENCH_NOW, "updated_at": BENCH_NOW})  # fmt: skip

        for rw in rws:
            for week in range(52):
                add(rw, "pengajian", f"Yasinan {rw.full_name}",
                    start_of_year + timedelta(weeks=week, hours=11, minutes=45), 1.5)  # fmt: skip
        for rt in rts:
            for month in range(12):
                day = start_of_year + timedelta(days=30 * month)
                add(rt, "gotong_royong", f"Kerja bakti {rt.full_name}", day + timedelta(days=5), 3)
                add(rt, "arisan", f"Arisan {rt.full_name}", day + timedelta(days=14, hours=8), 2)
                add(
                    rt, "olahraga", f"Voli {rt.full_name}", day + timedelta(days=20, hours=8), 2, 12
                )
        for month in range(12):
            day = start_of_year + timedelta(days=30 * month + 10, hours=1)
            add(kelurahan, "pelatihan", "Pelatihan UMKM", day, 3, 40)
            add(kelurahan, "musyawarah", "Musyawarah kelurahan", day + timedelta(days=7), 2)
        db.session.execute(insert(Activity), activities)
        db.session.commit()

        rsvps, attendance = [], []
        rows = db.session.execute(
            select(Activity.id, Activity.wilayah_id, Activity.capacity, Activity.starts_at)
        ).all()
        path_of = dict(db.session.execute(select(Wilayah.id, Wilayah.path)).all())
        rt_paths = {rt.id: rt.path for rt in rts}
        seats = {}
        for activity_id, scope_id, capacity, starts_at in rows:
            scope_path = path_of[scope_id]
            pool = [uid for rt_id, p in rt_paths.items() if p.startswith(scope_path)
                    for uid in ids_by_rt[rt_id]]  # fmt: skip
            people = rng.sample(pool, min(len(pool), rng.randint(20, 45)))
            taken = 0
            for uid in people:
                answer = rng.choices(["hadir", "mungkin", "tidak"], [6, 2, 2])[0]
                waitlisted = None
                if answer == "hadir":
                    if capacity is None or taken + 1 <= capacity:
                        taken += 1
                    else:
                        waitlisted = starts_at - timedelta(days=1)
                rsvps.append({"activity_id": activity_id, "user_id": uid, "answer": answer,
                              "guests": 0, "note": "", "needs_help": rng.random() < 0.03,
                              "waitlisted_at": waitlisted,
                              "responded_at": starts_at - timedelta(days=2)})  # fmt: skip
                if answer == "hadir" and waitlisted is None and starts_at < BENCH_NOW:
                    attendance.append({"activity_id": activity_id, "user_id": uid,
                                       "method": "pengurus", "checked_in_at": starts_at})  # fmt: skip
            seats[activity_id] = taken
        for chunk in range(0, len(rsvps), 20_000):
            db.session.execute(insert(Rsvp), rsvps[chunk : chunk + 20_000])
        for chunk in range(0, len(attendance), 20_000):
            db.session.execute(insert(Attendance), attendance[chunk : chunk + 20_000])
        for activity_id, taken in seats.items():
            db.session.execute(
                Activity.__table__.update()
                .where(Activity.id == activity_id)
                .values(seats_taken=taken)
            )
        db.session.commit()
        counts = {
            "rts": len(rts),
            "users": db.session.scalar(select(func.count(User.id))),
            "activities": db.session.scalar(select(func.count(Activity.id))),
            "rsvps": db.session.scalar(select(func.count(Rsvp.id))),
            "attendance": db.session.scalar(select(func.count(Attendance.id))),
        }
        db.session.remove()
        db.engine.dispose()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"sqlite:///{DEFAULT_DB}")
    args = parser.parse_args()
    if args.database.startswith("sqlite:///"):
        Path(args.database.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    print(build(args.database))


if __name__ == "__main__":
    main()
