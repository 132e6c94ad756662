"""Shared fixtures: a fresh real database per test (SQLite file, or PostgreSQL when
``RUKUN_TEST_DATABASE_URL`` is set), a small wilayah world with one user per principal,
and helpers to sign in and post forms with a real CSRF token."""

from __future__ import annotations

import itertools
import logging
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from community import create_app
from community.accounts.models import User
from community.accounts.services import hasher
from community.areas import services as areas
from community.areas.models import Level, Role, Wilayah
from community.core.time import utcnow
from community.events import services as events
from community.events.models import Activity
from community.extensions import db, limiter

pytest_plugins = ["tests.planning_guard"]  # every flush that changes an answer must be planned

PASSWORD = "kata-sandi-uji-1"
_PASSWORD_HASH = hasher.hash(PASSWORD)  # hash once: creating users stays fast
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def database_url(tmp_path) -> str:
    return os.environ.get("RUKUN_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite3'}"


def test_config(tmp_path, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-hmac-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        "WORKER_BACKEND": "memory",
        "STATIC_BUILD_FOLDER": str(tmp_path / "static-build"),
        "ANNOUNCEMENT_PHOTO_FOLDER": str(tmp_path / "pengumuman"),  # not the real instance/
        "ARISAN_RECEIPT_FOLDER": str(tmp_path / "arisan-bukti"),
        "PROPOSAL_PHOTO_FOLDER": str(tmp_path / "usulan"),
        "DASHBOARD_CACHE_SECONDS": 0,  # apps are reused across tests: no figures carried over
        **extra,
    }


test_config.__test__ = False  # a helper, not a test, when a module imports it


@pytest.fixture(scope="session")
def _shared_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("shared-db")


@pytest.fixture
def app_config(request, _shared_dir) -> dict:
    """Override in a test module, or parametrize it indirectly with a dict of settings,
    to change configuration before the app is built."""
    return test_config(_shared_dir, **getattr(request, "param", {}))


# Building an app and a schema costs ~150 ms; the suite has hundreds of tests. Apps
# with the same configuration are reused, and on SQLite every test starts from a
# byte-for-byte copy of a freshly built database (schema + wilayah tree), so each test
# still sees a fresh database of its own.
_APPS: dict[str, Flask] = {}
_SNAPSHOTS: dict[tuple[str, str], Path] = {}


def _sqlite_file(app: Flask) -> Path | None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    return Path(uri.removeprefix("sqlite:///")) if uri.startswith("sqlite:///") else None


def _release(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _restore(app: Flask, name: str) -> bool:
    """Bring back snapshot ``name``; False when there is none (or the schema is gone)."""
    snapshot = _SNAPSHOTS.get((app.config["SQLALCHEMY_DATABASE_URI"], name))
    if snapshot is None:
        return False
    path = _sqlite_file(app)
    _release(app)
    if path is not None:
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(snapshot, path)
        return True
    return _restore_rows(app, snapshot)


def _snapshot(app: Flask, name: str) -> None:
    path = _sqlite_file(app)
    _release(app)
    key = (app.config["SQLALCHEMY_DATABASE_URI"], name)
    if path is None:
        _SNAPSHOTS[key] = _dump_rows(app)
        return
    target = path.with_name(f"{path.stem}.{name}.snapshot")
    shutil.copyfile(path, target)
    _SNAPSHOTS[key] = target


# PostgreSQL has no file to copy: a snapshot is every table's rows, restored in one round
# trip of DELETEs (children first), bulk inserts and one SELECT of setval()s. DELETE on
# these small tables is 4x faster than TRUNCATE … RESTART IDENTITY (8 ms against 30 ms a
# restore, measured), which made the PostgreSQL pass of CI minutes longer.
def _dump_rows(app: Flask) -> dict:
    # By primary key: PostgreSQL returns rows in heap order, where an updated row (an RT
    # whose invite code was made) moves behind newer ones, and a child wilayah restored
    # before its parent breaks the parent_id foreign key. Ids grow with creation, so
    # parents come first.
    with app.app_context(), db.engine.connect() as conn:
        return {
            table.name: [
                dict(row)
                for row in conn.execute(
                    table.select().order_by(*table.primary_key.columns)
                ).mappings()
            ]
            for table in db.metadata.sorted_tables
        }


def _restore_rows(app: Flask, rows: dict) -> bool:
    from sqlalchemy.exc import ProgrammingError

    tables = db.metadata.sorted_tables
    sequences = ", ".join(
        f"setval(pg_get_serial_sequence('{t.name}', 'id'), "
        f"{max((r['id'] for r in rows[t.name]), default=1)}, {'true' if rows[t.name] else 'false'})"
        for t in tables
        if "id" in t.c
    )
    with app.app_context():
        try:
            with db.engine.begin() as conn:
                deletes = "; ".join(f'DELETE FROM "{t.name}"' for t in reversed(tables))  # noqa: S608 (our table names)
                conn.exec_driver_sql(deletes)
                for table in tables:
                    if rows[table.name]:
                        conn.execute(table.insert(), rows[table.name])
                conn.exec_driver_sql(f"SELECT {sequences}")
        except ProgrammingError:  # another test dropped the schema (migration tests)
            db.engine.dispose()
            return False
    return True


# Flask-Limiter keeps ``enabled`` and its storage on the extension object, and the last
# ``init_app`` wins: a cached app reused after another was built would run with that one's
# settings (limits off, or counters in the wrong store). Each app keeps its own.
_LIMITER_STATE: dict[str, tuple] = {}
_LIMITER_FIELDS = ("enabled", "_storage", "_limiter", "_storage_uri")


def _limiter_state() -> tuple:
    return tuple(getattr(limiter, name, None) for name in _LIMITER_FIELDS)


def _restore_limiter_state(state: tuple) -> None:
    for name, value in zip(_LIMITER_FIELDS, state, strict=True):
        setattr(limiter, name, value)


@pytest.fixture
def app(app_config) -> Flask:
    key = repr(sorted(app_config.items(), key=lambda kv: kv[0]))
    app = _APPS.get(key)
    if app is None:
        app = _APPS[key] = create_app(app_config)
        _LIMITER_STATE[key] = _limiter_state()
    else:  # the limiter is one object for every app: give it back this app's settings
        _restore_limiter_state(_LIMITER_STATE[key])
    if app.config["RATELIMIT_ENABLED"]:
        with app.app_context():
            limiter.reset()  # a cached app keeps its in-memory counters: start each at zero
    if not _restore(app, "base"):
        with app.app_context():
            db.drop_all()
            db.create_all()  # tests only; real databases are built by the migrations
            areas.ensure_wilayah_tree()
            db.session.commit()
        _snapshot(app, "base")
    yield app
    _release(app)


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def ctx(app):
    """An app context for direct database work.

    Do not combine with test-client requests: Flask reuses an open app context, so the
    requests would share ``g`` and the session (user, CSRF token, language leak between
    clients). Use short ``with app.app_context():`` blocks around database work instead.
    """
    with app.app_context():
        yield


def csrf_token(client: FlaskClient, path: str = "/masuk") -> str:
    page = client.get(path)
    match = CSRF_META.search(page.get_data(as_text=True))
    assert match, f"no csrf meta tag on {path}"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict | None = None, **kwargs):
    """POST like a browser does: with the CSRF token from a rendered page."""
    payload = {"csrf_token": csrf_token(client, "/"), **(data or {})}
    return client.post(url, data=payload, **kwargs)


_USER_NUMBERS = itertools.count(1)  # global: unique phones across restored snapshots


@pytest.fixture
def make_user(app) -> Callable[..., User]:
    def make(
        name: str | None = None,
        rt: Wilayah | None = None,
        phone: str | None = None,
        **fields,
    ) -> User:
        n = next(_USER_NUMBERS)
        user = User(
            name=name or f"Warga Uji {n}",
            phone=phone or f"+62813{n:08d}",
            password_hash=_PASSWORD_HASH,
            rt_id=rt.id if rt else None,
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)  # loaded attributes stay readable after the context ends
        return user

    return make


@dataclass
class World:
    kota: Wilayah
    kelurahan: Wilayah
    other_kelurahan: Wilayah
    rw: Wilayah
    rw2: Wilayah
    rt_a: Wilayah
    rt_b: Wilayah
    rt_c: Wilayah  # under RW 02
    users: dict[str, User]
    now: datetime
    activities: dict[str, Activity]

    def __getitem__(self, principal: str) -> User | None:
        return self.users.get(principal)


PRINCIPALS = (
    "anonymous",
    "pending",
    "resident_a",
    "resident_b",
    "pengurus_a",
    "ketua_rw",
    "admin_kelurahan",
    "admin_kota",
)


_WORLDS: dict[tuple[str, str], World] = {}

# A Tuesday morning in WITA. Tests that type calendar dates ("Minggu, 6 Desember 2026")
# run at this moment so that they mean the same on any day they run.
PINNED_NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def pinned_clock():
    """Every clock in this process (routes, services, fixtures) starts at ``PINNED_NOW``
    and ticks on from there. Use it for tests that type calendar dates; the browser's own
    clock is not pinned, so browser tests build their dates from the real time."""
    with time_machine.travel(PINNED_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def world(request, app, make_user) -> World:
    """Kelurahan Komet: RW 01 with RT A (01) and RT B (02), RW 02 with RT C (01)."""
    clock = "pinned" if "pinned_clock" in request.fixturenames else "real"
    if clock == "pinned":
        request.getfixturevalue("pinned_clock")  # the world is built on the pinned clock
    key = (app.config["SQLALCHEMY_DATABASE_URI"], clock)
    if key in _WORLDS and _restore(app, f"world-{clock}"):
        return _WORLDS[key]
    built = _build_world(app, make_user)
    _WORLDS[key] = built
    _snapshot(app, f"world-{clock}")
    return built


def next_sunday_0700_wita(now: datetime) -> datetime:
    """Sunday 07.00 WITA (Saturday 23.00 UTC) one to two weeks ahead, whatever today is.

    "now + 7 days" is a Sunday one day a week: a test of "Minggu, 07.00" passed only on
    Saturdays. Between 7 and 13 days ahead keeps every world activity in the future and
    outside the reminders' windows at the time the world is built.
    """
    saturday = now + timedelta(days=7 + (5 - now.weekday()) % 7)
    return saturday.replace(hour=23, minute=0, second=0, microsecond=0)


def _build_world(app, make_user) -> World:
    with app.app_context():
        now = utcnow()
        kota = db.session.query(Wilayah).filter_by(level=Level.KOTA).one()
        kelurahan = db.session.query(Wilayah).filter_by(name="Komet").one()
        other = db.session.query(Wilayah).filter_by(name="Mentaos").one()
        rw = areas.add_child(kelurahan, 1)
        rw2 = areas.add_child(kelurahan, 2)
        rt_a, rt_b = areas.add_child(rw, 1), areas.add_child(rw, 2)
        rt_c = areas.add_child(rw2, 1)
        for rt in (rt_a, rt_b, rt_c):
            areas.regenerate_invite_code(rt, now=now)
        db.session.commit()
        users = {
            "resident_a": make_user(
                "Siti Aminah", rt_a, needs_wheelchair=True, needs_consent_at=now
            ),
            "resident_b": make_user("Budi Santoso", rt_b),
            "pengurus_a": make_user("Haji Rahmat", rt_a),
            "ketua_rw": make_user("Ahmad Fauzi", rt_b),
            "admin_kelurahan": make_user("Dewi Lestari"),
            "admin_kota": make_user("Rina Wulandari"),
            "pending": make_user("Yusuf Pendatang"),
        }
        areas.appoint(rt_a, users["pengurus_a"], Role.KETUA_RT)
        areas.appoint(rw, users["ketua_rw"], Role.KETUA_RW)
        areas.appoint(kelurahan, users["admin_kelurahan"], Role.ADMIN_KELURAHAN)
        areas.appoint(kota, users["admin_kota"], Role.ADMIN_KOTA)
        areas.request_join(users["pending"], rt_a, is_move=False, now=now)
        sunday = next_sunday_0700_wita(now)
        activities = {
            "rt_a": events.create_activity(
                rt_a, by=users["pengurus_a"], now=now, kind="gotong_royong",
                title="Kerja bakti saluran RT 01", place="Pos kamling RT 01",
                starts_at=sunday, ends_at=sunday + timedelta(hours=3), capacity=3,
            ),
            "rw": events.create_activity(
                rw, by=users["ketua_rw"], now=now, kind="pengajian",
                title="Yasinan malam Jumat", place="Musala Al-Ikhlas",
                starts_at=sunday + timedelta(days=4, hours=12),
                ends_at=sunday + timedelta(days=4, hours=14),
            ),
            "rt_b": events.create_activity(
                rt_b, by=users["ketua_rw"], now=now, kind="olahraga",
                title="Voli sore RT 02", place="Lapangan RT 02",
                starts_at=sunday + timedelta(days=1), ends_at=sunday + timedelta(days=1, hours=2),
            ),
        }  # fmt: skip
        db.session.commit()
        for obj in (kota, kelurahan, other, rw, rw2, rt_a, rt_b, rt_c, *users.values(),
                    *activities.values()):  # fmt: skip
            db.session.refresh(obj)
        db.session.expunge_all()
        return World(kota, kelurahan, other, rw, rw2, rt_a, rt_b, rt_c, users, now, activities)


def sign_in(client: FlaskClient, user: User | None) -> FlaskClient:
    """Put ``user`` in the client's session the way Flask-Login does (no password check)."""
    if user is None:
        return client
    with client.application.app_context():
        fresh = db.session.get(User, user.id)
        ident = fresh.get_id()
    with client.session_transaction() as session:
        session["_user_id"] = ident
        session["_fresh"] = True
    return client


@pytest.fixture
def as_user(app) -> Callable[[User | None], FlaskClient]:
    """A new client signed in as ``user`` (``None`` → anonymous)."""

    def make(user: User | None) -> FlaskClient:
        return sign_in(app.test_client(), user)

    return make


def login_with_password(client: FlaskClient, phone: str, password: str = PASSWORD, **extra):
    return post_form(client, "/masuk", {"phone": phone, "password": password, **extra})


def text_of(response) -> str:
    """The visible text of a page, whitespace collapsed (what a reader hears)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# --- every log record of the run, scanned for personal data at the end -------------------
# UU PDP: logs are kept and read by operators; a phone number, password, reset code, note
# or need must never reach one. Every record of the run is kept (the app's, werkzeug's,
# gunicorn's, libraries'), and the run fails if any holds a phone number or a secret a test
# registered in LOG_CANARIES (tests/integration/privacy/test_log_canaries.py drives the
# flows that handle them).
PHONE_IN_TEXT = re.compile(r"(?:\+62 ?|(?<![\w.:-])0)8\d{2}[- ]?\d{3,4}[- ]?\d{2,5}(?!\d)")
LOG_CANARIES: set[str] = {PASSWORD}


class RunLog(logging.Handler):
    """Keeps ``logger: message`` (with any traceback) of every record of the run."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a bad format string still shows what was passed
            text = f"{record.msg!r} {record.args!r}"
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name}: {text}")


RUN_LOG = RunLog()


def log_leaks(lines: list[str]) -> list[str]:
    """The lines holding a phone number or a registered canary."""
    return [
        line
        for line in lines
        if PHONE_IN_TEXT.search(line) or any(canary in line for canary in LOG_CANARIES)
    ]


def pytest_configure(config: pytest.Config) -> None:
    logging.getLogger().addHandler(RUN_LOG)
    for name in ("community", "werkzeug", "gunicorn"):  # INFO: what a server writes
        if not logging.getLogger(name).isEnabledFor(logging.INFO):
            logging.getLogger(name).setLevel(logging.INFO)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        _isolate_worker(worker)


# --- the suite on every core (pytest-xdist) -----------------------------------------------
# Each worker is its own process with its own temporary directory (SQLite files), live
# servers on free ports and its own Chromium. What the workers would share is given out per
# worker here, before any test module reads it: a PostgreSQL database of its own (created
# next to the one named in RUKUN_TEST_DATABASE_URL) and a Redis database number of its own.
# Subprocesses a test starts (the worker crash test, rukun serve) inherit both.
def _isolate_worker(worker: str) -> None:
    number = int(worker.removeprefix("gw"))
    url = os.environ.get("RUKUN_TEST_DATABASE_URL")
    if url:
        os.environ["RUKUN_TEST_DATABASE_URL"] = _worker_database(url, worker)
    redis_url = os.environ.get("RUKUN_TEST_REDIS_URL")
    if redis_url:
        from redis.connection import parse_url

        base = int(parse_url(redis_url).get("db") or 0)
        server = redis_url.split("://", 1)[1].split("/", 1)[0]
        os.environ["RUKUN_TEST_REDIS_URL"] = f"redis://{server}/{(base + 1 + number) % 16}"


def _worker_database(url: str, worker: str) -> str:
    """A fresh, empty PostgreSQL database for this worker; returns its URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = parsed.set(drivername="postgresql", database=parsed.database)
    dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    leaks = log_leaks(RUN_LOG.lines) + _WORKER_LEAKS
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # a worker: the controller reports for the whole run
        workeroutput["log_leaks"] = leaks
        return
    if leaks:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"personal data in {len(leaks)} log records of this run:", red=True)
            for line in leaks[:20]:
                reporter.write_line(f"  {line[:300]}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_WORKER_LEAKS: list[str] = []


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """A worker finished: keep the log leaks it found for the check at the end."""
    _WORKER_LEAKS.extend(getattr(node, "workeroutput", {}).get("log_leaks", []))


# `.ci/run` runs the suite twice, on SQLite and then on PostgreSQL. What does not depend on
# the database (real Chromium journeys, the built wheel, the HTML checker, bandit and the
# pins) runs in the first pass only, so the whole CI stays under 20 minutes.
FIRST_PASS_ONLY = ("browser", "packaging", "first_pass_only")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("RUKUN_TEST_SECOND_PASS") != "1":
        return
    skip = pytest.mark.skip(reason="database-independent: checked in the first (SQLite) pass")
    for item in items:
        # Unit tests take plain values: no database, nothing for a second pass to find.
        unit = item.path.is_relative_to(Path(__file__).parent / "unit")
        if unit or any(item.get_closest_marker(name) for name in FIRST_PASS_ONLY):
            item.add_marker(skip)
