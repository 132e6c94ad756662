"""Benchmark data at three scales, in the real wilayah tree of Kota Banjarbaru.

* ``demo``: Kelurahan Komet with 2 RWs and 5 RTs, 150 residents (seconds; the CI smoke).
* ``kelurahan``: Komet as it is in the city plan (~6 RWs, ~28 RTs, ~4,700 residents).
* ``city``: all 20 kelurahan under their 5 kecamatan, 125 RWs and 599 RTs spread by the
  kecamatan's population shares (areas/data/banjarbaru.json), ~100,000 residents.

Each gets a year of activities of every kind around :data:`BENCH_NOW` (half before, half
after), with answers, the Daftar Tunggu where a capacity is full, and attendance of the
past ones; the pengumuman of every level with who read them; and direct messages between
neighbours of one RW (:func:`_talk`). The database is wiped and made through the migrations (never ``create_all``),
then rows go in with Core ``insert`` and lists of dicts, in chunks: the ORM's per-object
work would take minutes at city scale. Every run with the same seed gives the same rows.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import MetaData, create_engine, func, insert, inspect, select, text
from sqlalchemy.engine import make_url

from community.core.time import WITA

log = logging.getLogger(__name__)


def last_tuesday_morning(now: datetime) -> datetime:
    """The latest Tuesday 10.00 WITA (02.00 UTC) not after ``now``: the data's "now". It
    follows the real date (the server under ``rukun bench`` reads the real clock, so data
    around a fixed day would have nothing upcoming half a year later) and stays the same
    all week, so a seed gives the same rows within a week."""
    monday_based = now.astimezone(UTC).replace(hour=2, minute=0, second=0, microsecond=0)
    tuesday = monday_based - timedelta(days=(monday_based.weekday() - 1) % 7)
    return tuesday if tuesday <= now else tuesday - timedelta(days=7)


BENCH_NOW = last_tuesday_morning(datetime.now(UTC))  # a Tuesday morning in WITA
PASSWORD = "bench-password-2026"  # noqa: S105 - synthetic accounts on a throwaway database
PHONE_PREFIX = "+62815"  # every bench account; a database with any other is not wiped
SCALES = ("demo", "kelurahan", "city")
CITY_RESIDENTS = 100_000  # accounts at city scale (#12): about one in three inhabitants
DEMO_KELURAHAN = "Komet"
DEMO_RTS_PER_RW = (3, 2)
DEMO_RESIDENTS = 150
CHUNK = 5_000  # rows per INSERT: bounded memory, and well under SQLite's variable limit
DATA_FILE = Path(__file__).resolve().parent.parent / "areas" / "data" / "banjarbaru.json"


class NotABenchDatabase(Exception):
    """The target holds accounts bench-data did not make: it is not wiped."""


# --- the plan: which RWs, RTs and how many residents (pure) ---------------------------


@dataclass(frozen=True)
class KelurahanPlan:
    kecamatan: str
    name: str
    rts_per_rw: tuple[int, ...]
    residents: int


def apportion(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), each at least
    ``minimum``; the parts always add up to ``total``."""
    base = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("total below the minimum")
    scale = rest / sum(weights)
    exact = [w * scale for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in order[: rest - sum(parts)]:
        parts[i] += 1
    return [b + p for b, p in zip(base, parts, strict=True)]


def kecamatan_shares(data: dict) -> dict[str, float]:
    """Population share of each kecamatan: the two the source names, the rest equal."""
    named = {k: v for k, v in data["population_share_2021"].items() if k in data["kecamatan"]}
    others = [k for k in data["kecamatan"] if k not in named]
    rest = (1.0 - sum(named.values())) / len(others)
    return {k: named.get(k, rest) for k in data["kecamatan"]}


def city_plan(data: dict) -> list[KelurahanPlan]:
    """Every kelurahan with its RWs, RTs and residents. Within a kecamatan the kelurahan
    share equally (the source gives no finer figures)."""
    shares = kecamatan_shares(data)
    places = [(kec, kel) for kec, kels in data["kecamatan"].items() for kel in kels]
    weights = [shares[kec] / len(data["kecamatan"][kec]) for kec, _ in places]
    rws = apportion(data["rw_count"], weights, minimum=1)
    rts = apportion(data["rt_count"], weights, minimum=1)
    residents = apportion(CITY_RESIDENTS, weights)
    plans = []
    for (kec, kel), n_rw, n_rt, n_res in zip(places, rws, rts, residents, strict=True):
        n_rw = min(n_rw, n_rt)
        plans.append(KelurahanPlan(kec, kel, tuple(apportion(n_rt, [1.0] * n_rw)), n_res))
    return plans


def plan(scale: str, data: dict | None = None) -> list[KelurahanPlan]:
    if scale not in SCALES:
        raise ValueError(scale)
    data = data or load_wilayah_data()
    plans = city_plan(data)
    if scale == "city":
        return plans
    komet = next(p for p in plans if p.name == DEMO_KELURAHAN)
    if scale == "kelurahan":
        return [komet]
    return [KelurahanPlan(komet.kecamatan, komet.name, DEMO_RTS_PER_RW, DEMO_RESIDENTS)]


def load_wilayah_data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


# --- names and times ---------------------------------------------------------------------

FIRST_NAMES = (
    "Ahmad", "Muhammad", "Siti", "Nur", "Rahmat", "Fitri", "Dewi", "Abdul", "Rina", "Budi",
    "Yusuf", "Aisyah", "Hendra", "Rusdi", "Mariani", "Fauzan", "Hasanah", "Iwan", "Rizky",
    "Syarifah", "Galuh", "Anang", "Utuh", "Aluh", "Fadli", "Halimah", "Zainal", "Norma",
    "Rudi", "Wahyu", "Lina", "Taufik", "Yuliani", "Hairil", "Rahmah", "Gusti", "Ilham",
)  # fmt: skip
LAST_NAMES = (
    "Hidayat", "Rahman", "Saputra", "Wahyuni", "Noor", "Aini", "Fadillah", "Kurniawan",
    "Maulana", "Hasan", "Rahmawati", "Syahrani", "Anshari", "Hakim", "Lestari", "Ramadhan",
    "Pratama", "Setiawan", "Arsyad", "Baihaqi", "Mahfuzh", "Nafarin", "Rosyadi", "Zakir",
)  # fmt: skip
TITLES = {
    "gotong_royong": ("Kerja bakti bersihkan saluran", "Kerja bakti lingkungan",
                      "Gotong royong perbaiki jalan gang", "Bersih-bersih pos kamling"),
    "arisan": ("Arisan ibu-ibu", "Arisan bulanan warga", "Arisan PKK"),
    "olahraga": ("Voli sore", "Senam pagi bersama", "Futsal warga"),
    "pengajian": ("Yasinan malam Jumat",),
    "pelatihan": ("Pelatihan UMKM", "Pelatihan olahan ikan", "Penyuluhan kesehatan"),
    "musyawarah": ("Musyawarah kelurahan", "Rapat pengurus RT/RW"),
}  # fmt: skip
DESCRIPTION = (
    "Mohon hadir tepat waktu. Bawa peralatan sendiri bila ada (cangkul, sabit, sapu).\n"
    "Konsumsi disiapkan pengurus. Info lebih lanjut hubungi ketua RT."
)
KIND_HOURS = {"pengajian": 1.5, "gotong_royong": 3, "arisan": 2, "olahraga": 2,
              "pelatihan": 3, "musyawarah": 2}  # fmt: skip


def wita(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WITA).astimezone(UTC)


def month_starts(first: date, months: int) -> list[date]:
    return [
        date(first.year + (first.month - 1 + m) // 12, (first.month - 1 + m) % 12 + 1, 1)
        for m in range(months)
    ]


def nth_weekday(month: date, weekday: int, nth: int) -> date:
    """The ``nth`` (1-4) ``weekday`` (Monday 0) of ``month``."""
    first = month + timedelta(days=(weekday - month.weekday()) % 7)
    return first + timedelta(weeks=nth - 1)


# --- building ----------------------------------------------------------------------------


@dataclass
class Built:
    """What :func:`build` made: row counts and three sign-ins (password :data:`PASSWORD`)."""

    scale: str
    counts: dict[str, int] = field(default_factory=dict)
    sign_ins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, phone, name)
    seconds: float = 0.0


def phone(n: int) -> str:
    return f"{PHONE_PREFIX}{n:08d}"


def reset_database(url: str) -> None:
    """Drop everything in the target, or refuse (:class:`NotABenchDatabase`) when it holds
    an account bench-data did not make. A SQLite file is deleted with its WAL files."""
    sqlite_file = sqlite_path(url)
    if sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    try:
        if inspect(engine).has_table("user_account"):
            with engine.connect() as conn:
                foreign = conn.scalar(
                    text("SELECT count(*) FROM user_account WHERE phone NOT LIKE :prefix"),
                    {"prefix": f"{PHONE_PREFIX}%"},
                )
            if foreign:
                raise NotABenchDatabase(f"{foreign} accounts not made by bench-data")
        if engine.dialect.name != "sqlite":
            meta = MetaData()
            meta.reflect(engine)
            meta.drop_all(engine)
    finally:
        engine.dispose()
    if sqlite_file is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for another database or an in-memory one."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def schema_is_current(url: str) -> bool:
    """Is the database at the migrations' head (what ``rukun bench`` reuses)?"""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from community import asset_dir

    sqlite_file = sqlite_path(url)
    if sqlite_file is not None and not sqlite_file.exists():
        return False  # connecting would leave an empty file behind
    heads = set(ScriptDirectory(str(asset_dir("migrations"))).get_heads())
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return set(MigrationContext.configure(conn).get_current_heads()) == heads
    except Exception:  # a missing file or server: not current
        return False
    finally:
        engine.dispose()


def build(
    url: str,
    scale: str,
    *,
    seed: int = 2026,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Built:
    """Wipe ``url``, migrate it to head and fill it for ``scale``. ``on_total`` is told
    the number of progress units once known; ``progress`` is called with each step."""
    import time as clock

    from flask_migrate import upgrade

    from community import create_app
    from community.extensions import db

    started = clock.perf_counter()
    reset_database(url)
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "WORKER_BACKEND": "memory",
        "SECRET_KEY": "bench-data-builds-no-sessions-0123456789abcdef",
    })  # fmt: skip
    with app.app_context():
        logging.getLogger("alembic").setLevel(logging.WARNING)
        upgrade()
        try:
            rng = random.Random(seed)  # noqa: S311 - reproducible data, not security
            built = _fill(scale, rng, progress or (lambda _n: None), on_total)
            db.session.commit()
        finally:
            db.session.remove()
            db.engine.dispose()
    built.seconds = round(clock.perf_counter() - started, 1)
    return built


@dataclass
class _Tree:
    rts: list = field(default_factory=list)  # (rt id, rw id, kelurahan id, full name)
    rws: list = field(default_factory=list)  # (rw id, kelurahan id, full name)
    kelurahan: list = field(default_factory=list)  # (id, kecamatan id, name)
    kecamatan: dict = field(default_factory=dict)  # name -> id
    kota_id: int = 0


def _make_tree(plans: list[KelurahanPlan]) -> _Tree:
    from community.areas import services as areas
    from community.areas.models import Level, Wilayah
    from community.extensions import db

    kota = areas.ensure_wilayah_tree()
    tree = _Tree(kota_id=kota.id)
    for node in db.session.scalars(select(Wilayah).where(Wilayah.level == Level.KECAMATAN)):
        tree.kecamatan[node.name] = node.id
    for p in plans:
        kelurahan = db.session.scalar(
            select(Wilayah).where(
                Wilayah.level == Level.KELURAHAN,
                Wilayah.name == p.name,
                Wilayah.parent_id == tree.kecamatan[p.kecamatan],
            )
        )
        tree.kelurahan.append((kelurahan.id, tree.kecamatan[p.kecamatan], p.name))
        for rw_number, n_rt in enumerate(p.rts_per_rw, start=1):
            rw = areas.add_child(kelurahan, rw_number)
            tree.rws.append((rw.id, kelurahan.id, rw.full_name))
            for rt_number in range(1, n_rt + 1):
                rt = areas.add_child(rw, rt_number)
                tree.rts.append((rt.id, rw.id, kelurahan.id, rt.full_name))
    db.session.flush()
    return tree


def _fill(scale: str, rng: random.Random, progress, on_total) -> Built:
    from community.accounts.models import User
    from community.accounts.services import hasher
    from community.areas.models import Role, RoleAssignment
    from community.events.models import Activity, Attendance, Rsvp, Series
    from community.extensions import db

    plans = plan(scale)
    tree = _make_tree(plans)
    conn = db.session.connection()

    # Residents: each kelurahan's share spread over its RTs, unevenly (0.75-1.25).
    per_rt: list[int] = []
    for p, kel in zip(plans, tree.kelurahan, strict=True):
        rts = [rt for rt in tree.rts if rt[2] == kel[0]]
        per_rt += apportion(p.residents, [rng.uniform(0.75, 1.25) for _ in rts])
    n_residents = sum(per_rt)
    activities, series = _activities(tree, rng)
    if on_total:
        on_total(n_residents + len(activities))

    password_hash = hasher.hash(PASSWORD)
    members: dict[int, list[int]] = {}  # RT id -> user ids
    users, n = [], 0
    for (rt_id, *_rest), count in zip(tree.rts, per_rt, strict=True):
        for _ in range(count):
            n += 1
            members.setdefault(rt_id, []).append(n)
            users.append(_user(n, rng, password_hash, rt_id))
    officials = [(n + 1, None, "Admin Kota Banjarbaru")]
    officials += [
        (n + 2 + i, kel[0], f"Admin Kelurahan {kel[2]}") for i, kel in enumerate(tree.kelurahan)
    ]
    for uid, _kel, name in officials:
        users.append({**_user(uid, rng, password_hash, None), "name": name})
    for start in range(0, len(users), CHUNK):
        conn.execute(insert(User.__table__), users[start : start + CHUNK])
        progress(min(CHUNK, len(users) - start))

    roles = [{"user_id": members[rt[0]][0], "wilayah_id": rt[0], "role": Role.KETUA_RT}
             for rt in tree.rts]  # fmt: skip
    for rw_id, *_rest in tree.rws:
        first_rt = next(rt[0] for rt in tree.rts if rt[1] == rw_id)
        roles.append({"user_id": members[first_rt][1], "wilayah_id": rw_id, "role": Role.KETUA_RW})
    roles.append({"user_id": officials[0][0], "wilayah_id": tree.kota_id, "role": Role.ADMIN_KOTA})
    roles += [{"user_id": uid, "wilayah_id": kel, "role": Role.ADMIN_KELURAHAN}
              for uid, kel, _name in officials[1:]]  # fmt: skip
    for role in roles:
        role["created_at"] = BENCH_NOW
    conn.execute(insert(RoleAssignment.__table__), roles)
    conn.execute(insert(Series.__table__), series)

    pools = _pools(tree, members)
    counts = {"rsvps": 0, "attendance": 0}
    ids = {"rsvp": 0, "attendance": 0}
    for start in range(0, len(activities), 1_000):
        chunk = activities[start : start + 1_000]
        rsvps, attendance = [], []
        for activity in chunk:
            _answers(activity, pools[activity["wilayah_id"]], rng, ids, rsvps, attendance)
        conn.execute(insert(Activity.__table__), chunk)
        for table, rows in ((Rsvp, rsvps), (Attendance, attendance)):
            for at in range(0, len(rows), CHUNK):
                conn.execute(insert(table.__table__), rows[at : at + CHUNK])
        counts["rsvps"] += len(rsvps)
        counts["attendance"] += len(attendance)
        progress(len(chunk))

    counts.update(_talk(conn, tree, members, officials, rng))

    if conn.dialect.name == "postgresql":  # explicit ids: move the sequences past them
        for model in (User, Series, Activity, Rsvp, Attendance, *_talk_models()):
            table = model.__table__
            highest = select(func.max(table.c.id)).scalar_subquery()
            sequence = func.pg_get_serial_sequence(table.name, "id")
            conn.execute(select(func.setval(sequence, func.coalesce(highest, 1))))

    built = Built(scale)
    built.counts = {
        "kelurahan": len(tree.kelurahan),
        "rw": len(tree.rws),
        "rt": len(tree.rts),
        "users": conn.scalar(select(func.count()).select_from(User.__table__)),
        "activities": len(activities),
        **counts,
    }
    first_rt = tree.rts[0][0]
    resident = members[first_rt][2]
    built.sign_ins = [
        ("Warga", phone(resident), users[resident - 1]["name"]),
        ("Ketua RT", phone(members[first_rt][0]), users[members[first_rt][0] - 1]["name"]),
        ("Admin kelurahan", phone(officials[1][0]), officials[1][2]),
    ]
    return built


def _user(n: int, rng: random.Random, password_hash: str, rt_id: int | None) -> dict:
    return {
        "id": n, "phone": phone(n), "email": None,
        "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "password_hash": password_hash, "language": "id", "rt_id": rt_id,
        "session_token": f"bench{n}", "created_at": BENCH_NOW - timedelta(days=rng.randint(30, 400)),
    }  # fmt: skip


def _pools(tree: _Tree, members: dict[int, list[int]]) -> dict[int, list[int]]:
    """Who may answer an activity of each scope: the residents of its subtree."""
    pools: dict[int, list[int]] = {tree.kota_id: []}
    for rt_id, rw_id, kel_id, _name in tree.rts:
        people = members.get(rt_id, [])
        kec_id = next(k[1] for k in tree.kelurahan if k[0] == kel_id)
        pools[rt_id] = people
        for scope in (rw_id, kel_id, kec_id, tree.kota_id):
            pools.setdefault(scope, []).extend(people)
    return pools


def _activities(tree: _Tree, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """A year of activities around BENCH_NOW, and the weekly pengajian series."""
    first_day = (BENCH_NOW - timedelta(days=182)).astimezone(WITA).date()
    months = month_starts(first_day.replace(day=1), 13)[1:]  # 12 whole months
    end = BENCH_NOW + timedelta(days=183)
    activities: list[dict] = []
    series: list[dict] = []

    def add(scope: int, kind: str, title: str, start: datetime, **extra) -> None:
        hours = KIND_HOURS[kind]
        cancelled = rng.random() < 0.02
        activities.append({
            "id": len(activities) + 1, "wilayah_id": scope, "kind": kind, "title": title,
            "description": DESCRIPTION, "place": extra.pop("place", "Balai warga"),
            "accessibility_notes": "", "starts_at": start,
            "ends_at": start + timedelta(hours=hours), "capacity": extra.pop("capacity", None),
            "seats_taken": 0, "is_cancelled": cancelled,
            "cancel_reason": "Hujan deras, diundur." if cancelled else "",
            "series_id": extra.pop("series_id", None),
            "created_at": start - timedelta(days=14), "updated_at": start - timedelta(days=14),
            "_size": extra.pop("size"),
        })  # fmt: skip

    # Yasinan malam Jumat: Thursday 19.45 WITA, weekly per RW, as one recurring series.
    thursday = first_day + timedelta(days=(3 - first_day.weekday()) % 7)
    for rw_id, _kel, rw_name in tree.rws:
        first = wita(thursday, 19, 45)
        series.append({"id": len(series) + 1, "wilayah_id": rw_id,
                       "rrule": "FREQ=WEEKLY;BYDAY=TH;COUNT=52", "first_start_at": first,
                       "created_at": first - timedelta(days=7)})  # fmt: skip
        for week in range(52):
            add(rw_id, "pengajian", f"Yasinan malam Jumat {rw_name}",
                first + timedelta(weeks=week), place="Rumah warga (bergiliran)",
                series_id=len(series), size=(20, 50))  # fmt: skip
    for index, (rt_id, _rw, _kel, rt_name) in enumerate(tree.rts):
        for month in months:
            add(rt_id, "gotong_royong", f"{rng.choice(TITLES['gotong_royong'])} {rt_name}",
                wita(nth_weekday(month, 6, index % 4 + 1), 7), place="Pos kamling",
                size=(20, 45))  # fmt: skip
            add(rt_id, "arisan", f"{rng.choice(TITLES['arisan'])} {rt_name}",
                wita(month + timedelta(days=index % 27), 16), place="Rumah ketua RT",
                size=(10, 30))  # fmt: skip
            add(rt_id, "olahraga", f"{rng.choice(TITLES['olahraga'])} {rt_name}",
                wita(nth_weekday(month, 5, (index + 2) % 4 + 1), 16, 30), capacity=12,
                place="Lapangan RT", size=(10, 25))  # fmt: skip
    for kel_id, _kec, name in tree.kelurahan:
        for month in months:
            add(kel_id, "pelatihan", f"{rng.choice(TITLES['pelatihan'])} Kelurahan {name}",
                wita(month + timedelta(days=9), 9), capacity=40, place="Aula kelurahan",
                size=(40, 90))  # fmt: skip
            add(kel_id, "musyawarah", f"Musyawarah Kelurahan {name}",
                wita(month + timedelta(days=19), 19, 30), place="Aula kelurahan",
                size=(40, 90))  # fmt: skip
        # Jalan sehat on 17 August: the kelurahan's big one (~60 % answer).
        add(kel_id, "olahraga", f"Jalan sehat HUT RI ke-81 Kelurahan {name}",
            wita(date(2026, 8, 17), 7), place="Halaman kantor kelurahan", size=(0.6,))  # fmt: skip
    for kec_name, kec_id in tree.kecamatan.items():
        if not any(k[1] == kec_id for k in tree.kelurahan):
            continue
        add(kec_id, "musyawarah", f"Musrenbang Kecamatan {kec_name}",
            wita(date(2027, 2, 10), 9), place="Aula kecamatan", size=(80, 150))  # fmt: skip
        add(kec_id, "pelatihan", f"Pelatihan kader posyandu Kecamatan {kec_name}",
            wita(date(2026, 10, 14), 9), capacity=60, place="Aula kecamatan", size=(60, 120))  # fmt: skip
    add(tree.kota_id, "musyawarah", "Musrenbang Kota Banjarbaru", wita(date(2027, 3, 17), 9),
        place="Aula Gawi Sabarataan", size=(150, 300))  # fmt: skip
    kept = [a for a in activities if a["starts_at"] < end]
    for new_id, activity in enumerate(kept, start=1):
        activity["id"] = new_id
    return kept, series


ANSWERS, ANSWER_WEIGHTS = ("hadir", "mungkin", "tidak"), (6, 2, 2)


def _answers(activity: dict, pool: list[int], rng: random.Random, ids: dict,
             rsvps: list[dict], attendance: list[dict]) -> None:  # fmt: skip
    """Answers to one activity (and attendance if it is over); sets its seats_taken."""
    size = activity.pop("_size")
    wanted = round(len(pool) * size[0]) if len(size) == 1 else rng.randint(*size)
    people = rng.sample(pool, min(len(pool), wanted))
    starts, capacity = activity["starts_at"], activity["capacity"]
    over = activity["ends_at"] < BENCH_NOW and not activity["is_cancelled"]
    taken = 0
    for answer, uid in zip(
        rng.choices(ANSWERS, ANSWER_WEIGHTS, k=len(people)), people, strict=True
    ):
        responded = min(starts - timedelta(hours=rng.randint(2, 240)), BENCH_NOW)
        guests = 1 if capacity is None and answer == "hadir" and rng.random() < 0.1 else 0
        waitlisted = None
        if answer == "hadir":
            if capacity is None or taken + 1 + guests <= capacity:
                taken += 1 + guests
            else:
                waitlisted = responded
        ids["rsvp"] += 1
        rsvps.append({"id": ids["rsvp"], "activity_id": activity["id"], "user_id": uid,
                      "proxy_name": None, "proxy_by_id": None, "answer": answer,
                      "guests": guests, "note": "", "needs_help": False,
                      "waitlisted_at": waitlisted, "responded_at": responded})  # fmt: skip
        if over and answer == "hadir" and waitlisted is None and rng.random() < 0.85:
            ids["attendance"] += 1
            attendance.append({"id": ids["attendance"], "activity_id": activity["id"],
                               "user_id": uid, "name": None, "method": "pengurus",
                               "marked_by_id": None, "checked_in_at": starts})  # fmt: skip
    activity["seats_taken"] = taken


def _talk_models() -> tuple:
    from community.announcements.models import Announcement, AnnouncementRead
    from community.messages.models import Conversation, Message

    return (Announcement, AnnouncementRead, Conversation, Message)


ANNOUNCEMENTS = (
    "Kerja bakti Minggu ini diundur karena hujan. Jadwal baru menyusul.",
    "Lampu jalan di gang 3 mati, sudah dilaporkan ke PLN.",
    "Iuran kebersihan bulan ini bisa dibayar ke bendahara RT.",
    "Posyandu balita buka Rabu pagi di balai warga.",
    "Mohon kendaraan tidak diparkir di bahu jalan saat ada kegiatan.",
    "Ronda malam: jadwal bulan depan sudah ditempel di pos kamling.",
)
MESSAGES = (
    "Pak, besok saya bawa gerobak.",
    "Bu, arisan jadi di rumah siapa?",
    "Siap, terima kasih.",
    "Lampu jalan depan rumah saya mati.",
    "Saya izin tidak ikut ronda malam ini.",
    "Nanti saya antar undangannya.",
    "Ok Pak.",
    "Cangkulnya sudah saya kembalikan.",
)


def _talk(conn, tree: _Tree, members: dict[int, list[int]], officials: list, rng) -> dict:
    """Pengumuman of a year (every RT, RW, kelurahan and the kota; an RT's read by most of
    its residents) and conversations between residents of one RW (one per ten residents,
    2-30 messages each, the latest read by both but a few)."""
    from community.announcements.models import Announcement, AnnouncementRead
    from community.messages.models import Conversation, ConversationMember, Message

    start = BENCH_NOW - timedelta(days=365)
    announcements: list[dict] = []

    def announce(wilayah_id: int, author_id: int, every_days: int) -> int:
        first = len(announcements)
        for n, day in enumerate(range(every_days // 2, 365, every_days)):
            at = start + timedelta(days=day, hours=rng.randint(7, 20))
            pinned = day >= 365 - every_days  # the latest one stays on top
            announcements.append({
                "id": len(announcements) + 1, "wilayah_id": wilayah_id, "author_id": author_id,
                "body": ANNOUNCEMENTS[n % len(ANNOUNCEMENTS)], "photo_name": None,
                "activity_id": None, "is_pinned": pinned,
                "expires_at": None if pinned else at + timedelta(days=14),
                "created_at": at, "updated_at": at,
            })  # fmt: skip
        return first

    reads: list[dict] = []
    for rt_id, *_rest in tree.rts:
        first = announce(rt_id, members[rt_id][0], 30)
        for row in announcements[first:]:
            readers = rng.sample(members[rt_id], int(len(members[rt_id]) * rng.uniform(0.4, 0.8)))
            reads += [{"id": len(reads) + i + 1, "announcement_id": row["id"], "user_id": uid,
                       "read_at": row["created_at"] + timedelta(hours=rng.randint(1, 72))}
                      for i, uid in enumerate(readers)]  # fmt: skip
    for rw_id, *_rest in tree.rws:
        first_rt = next(rt[0] for rt in tree.rts if rt[1] == rw_id)
        announce(rw_id, members[first_rt][1], 45)
    for uid, kel_id, _name in officials[1:]:
        announce(kel_id, uid, 60)
    announce(tree.kota_id, officials[0][0], 90)
    for table, rows in ((Announcement, announcements), (AnnouncementRead, reads)):
        for at in range(0, len(rows), CHUNK):
            conn.execute(insert(table.__table__), rows[at : at + CHUNK])

    by_rw: dict[int, list[int]] = {}
    for rt_id, rw_id, *_rest in tree.rts:
        by_rw.setdefault(rw_id, []).extend(members.get(rt_id, []))
    conversations, memberships, messages, seen = [], [], [], set()
    for people in by_rw.values():
        for _ in range(len(people) // 10):
            a, b = sorted(rng.sample(people, 2))
            if (a, b) in seen:
                continue
            seen.add((a, b))
            cid = len(conversations) + 1
            began = at = start + timedelta(days=rng.randint(0, 360), hours=rng.randint(7, 20))
            for _n in range(rng.randint(2, 30)):
                at += timedelta(minutes=rng.randint(1, 600))
                messages.append({"id": len(messages) + 1, "conversation_id": cid,
                                 "sender_id": rng.choice((a, b)), "body": rng.choice(MESSAGES),
                                 "created_at": at, "deleted_at": None})  # fmt: skip
            latest = messages[-1]
            conversations.append({"id": cid, "low_user_id": a, "high_user_id": b,
                                  "created_at": began, "last_message_at": at})  # fmt: skip
            for uid in (a, b):
                unread = uid != latest["sender_id"] and rng.random() < 0.2
                last_read = latest["id"] - 1 if unread else latest["id"]
                memberships.append({"conversation_id": cid, "user_id": uid,
                                    "last_read_message_id": last_read, "last_read_at": at,
                                    "is_private": False})  # fmt: skip
    for table, rows in ((Conversation, conversations), (ConversationMember, memberships),
                        (Message, messages)):  # fmt: skip
        for at in range(0, len(rows), CHUNK):
            conn.execute(insert(table.__table__), rows[at : at + CHUNK])
    return {"announcements": len(announcements), "announcement_reads": len(reads),
            "conversations": len(conversations), "messages": len(messages)}  # fmt: skip
