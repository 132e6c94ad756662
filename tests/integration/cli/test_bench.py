"""`rukun bench-data` and `rukun bench` at demo scale, through the CLI runner (~25 s
together): the data is what the plan says and at the migrations' head, and the HTTP
benchmark serves it with gunicorn, drives it with wrk and reports every field, 0 errors."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime

import pytest
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, select, text

from community import asset_dir, create_app
from community.accounts.models import User
from community.areas.models import Role, RoleAssignment, Wilayah
from community.bench import data, run
from community.events.models import Activity, Attendance, Kind, Rsvp, Series
from tests.conftest import test_config

pytestmark = [
    pytest.mark.first_pass_only,  # its own SQLite file whatever the suite's database
    pytest.mark.xdist_group("bench"),  # one worker builds the module's fixture once
]


@pytest.fixture(scope="module")
def bench_db(tmp_path_factory):
    """A demo bench database made by the command, and what the command printed."""
    folder = tmp_path_factory.mktemp("bench")
    app = create_app(test_config(folder))
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    result = app.test_cli_runner().invoke(args=["bench-data", "--scale", "demo", "--database", url])
    assert result.exit_code == 0, result.output + str(result.exception)
    return app, url, result.output


def _count(conn, query) -> int:
    return conn.scalar(select(func.count()).select_from(query.subquery()))


def test_bench_data_builds_the_planned_tree_at_the_migrations_head(bench_db):
    _app, url, output = bench_db
    engine = create_engine(url)
    with engine.connect() as conn:
        heads = set(ScriptDirectory(str(asset_dir("migrations"))).get_heads())
        assert set(MigrationContext.configure(conn).get_current_heads()) == heads
        levels = dict(
            conn.execute(select(Wilayah.level, func.count()).group_by(Wilayah.level)).all()
        )
        # The whole real tree, and Komet's 2 RWs with 3 + 2 RTs.
        assert levels == {"kota": 1, "kecamatan": 5, "kelurahan": 20, "rw": 2, "rt": 5}
        residents = conn.scalar(select(func.count(User.id)).where(User.rt_id.is_not(None)))
        assert residents == data.DEMO_RESIDENTS
        assert conn.scalar(select(func.count(User.id))) == data.DEMO_RESIDENTS + 2  # 2 admins
        roles = dict(
            conn.execute(
                select(RoleAssignment.role, func.count()).group_by(RoleAssignment.role)
            ).all()
        )
        assert roles == {Role.KETUA_RT: 5, Role.KETUA_RW: 2, Role.ADMIN_KELURAHAN: 1,
                         Role.ADMIN_KOTA: 1}  # fmt: skip
        kinds = set(conn.scalars(select(Activity.kind).distinct()))
        assert kinds == set(Kind)
        assert conn.scalar(select(func.count(Series.id))) == 2  # a weekly pengajian per RW
        starts = conn.execute(
            select(func.min(Activity.starts_at), func.max(Activity.starts_at))
        ).one()
        assert starts[0] < data.BENCH_NOW < starts[1]
        assert conn.scalar(select(func.count(Rsvp.id))) > 5_000
        # Attendance only of what was over at BENCH_NOW, and only of a confirmed Hadir.
        late = conn.scalar(
            select(func.count(Attendance.id))
            .join(Activity, Activity.id == Attendance.activity_id)
            .where(Activity.ends_at >= data.BENCH_NOW)
        )
        assert late == 0
        assert conn.scalar(select(func.count(Attendance.id))) > 500
        unconfirmed = conn.scalar(
            select(func.count(Attendance.id))
            .join(
                Rsvp,
                (Rsvp.activity_id == Attendance.activity_id) & (Rsvp.user_id == Attendance.user_id),
            )
            .where((Rsvp.answer != "hadir") | Rsvp.waitlisted_at.is_not(None))
        )
        assert unconfirmed == 0
        # seats_taken is what the confirmed answers add up to; full ones have a queue.
        wrong_seats = conn.scalar(
            text("""
            SELECT count(*) FROM activity a WHERE a.seats_taken != (
              SELECT coalesce(sum(1 + guests), 0) FROM rsvp r
              WHERE r.activity_id = a.id AND r.answer = 'hadir' AND r.waitlisted_at IS NULL)
        """)
        )
        assert wrong_seats == 0
        assert conn.scalar(select(func.count(Rsvp.id)).where(Rsvp.waitlisted_at.is_not(None)))
    engine.dispose()
    assert f"password for all: {data.PASSWORD}" in output
    assert "Warga" in output and "Ketua RT" in output and "Admin kelurahan" in output
    assert "users 152" in output


def test_bench_data_has_pengumuman_of_every_level_and_conversations_within_an_rw(bench_db):
    from community.announcements.models import Announcement, AnnouncementRead
    from community.messages.models import Conversation, ConversationMember, Message

    _app, url, output = bench_db
    engine = create_engine(url)
    with engine.connect() as conn:
        levels = set(
            conn.scalars(
                select(Wilayah.level).join(Announcement, Announcement.wilayah_id == Wilayah.id)
            )
        )
        assert levels == {"rt", "rw", "kelurahan", "kota"}
        assert conn.scalar(select(func.count(AnnouncementRead.id))) > 500
        # Pinned ones never expire; the rest expire two weeks after they were posted.
        assert not conn.scalar(
            select(func.count(Announcement.id)).where(
                Announcement.is_pinned, Announcement.expires_at.is_not(None)
            )
        )
        assert conn.scalar(select(func.count(Conversation.id))) >= 10
        assert conn.scalar(select(func.count(Message.id))) > 100
        # Both people of a conversation live in one RW, and each has a membership.
        pairs = conn.execute(
            text("""
            SELECT count(*) FROM conversation c
            JOIN user_account a ON a.id = c.low_user_id JOIN wilayah ra ON ra.id = a.rt_id
            JOIN user_account b ON b.id = c.high_user_id JOIN wilayah rb ON rb.id = b.rt_id
            WHERE ra.parent_id != rb.parent_id""")
        ).scalar()
        assert pairs == 0
        assert conn.scalar(select(func.count()).select_from(ConversationMember)) == 2 * conn.scalar(
            select(func.count(Conversation.id))
        )
    engine.dispose()
    assert "announcements" in output and "messages" in output


def test_bench_data_refuses_a_database_with_real_accounts(tmp_path):
    app = create_app(test_config(tmp_path))
    url = f"sqlite:///{tmp_path / 'mixed.sqlite3'}"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["bench-data", "--database", url]).exit_code == 0
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE user_account SET phone = '+6281299990000' WHERE id = 1"))
    result = runner.invoke(args=["bench-data", "--database", url])
    assert result.exit_code != 0
    assert "Not wiped" in result.output
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM user_account WHERE phone = '+6281299990000'"))
    engine.dispose()


@pytest.mark.skipif(
    shutil.which("wrk") is None and not os.environ.get("CI"),  # in CI a missing wrk fails
    reason="wrk is not installed (apt-get install wrk; .ci/run does)",
)
def test_bench_serves_the_data_and_reports_every_scenario_without_errors(bench_db, tmp_path):
    app, url, _output = bench_db
    report_file = tmp_path / "bench.json"
    started = datetime.now(UTC)
    # processes this test process had already (Playwright's driver, when the browser tests
    # ran first in the same session) are not the benchmark's
    before = set(run.children_of(os.getpid()))
    result = app.test_cli_runner().invoke(
        args=[
            "bench",
            "--scale",
            "demo",
            "--database",
            url,
            "--duration",
            "2",
            "--connections",
            "8",
            "--json",
            str(report_file),
        ]
    )
    assert result.exit_code == 0, result.output + str(result.exception)
    report = json.loads(report_file.read_text())
    assert [r["scenario"] for r in report["results"]] == ["bare", *run.SCENARIOS]
    for row in report["results"]:
        assert row["requests"] > 0 and row["rps"] > 0, row
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"], row
        assert row["errors"] == 0, row
        assert row["cpu_ms_per_request"] > 0 and row["other_cpu_s"] >= 0, row
        assert row["ratio_rps_to_bare"] > 0, row
    assert report["cpu_count"] >= 1 and report["data"]["users"] == data.DEMO_RESIDENTS + 2
    assert {"python", "flask", "sqlalchemy", "gunicorn", "sqlite"} <= set(report["versions"])
    assert "| home feed (GET /) |" in result.output  # the Markdown table
    # The city dashboard of the data's admin kota: summed from the worker's counts (the
    # bench counted them as the worker does), computed afresh, and from the page cache
    board = report["dashboard"]
    assert board["renders"] == run.DASHBOARD_RENDERS and board["target_ms"] == 300
    assert set(board["worker_count_s"]) == {"bulan", "kuartal", "tahun"}, board
    assert 0 < board["summed_p50_ms"] <= board["summed_max_ms"], board
    assert 0 < board["cold_p50_ms"] <= board["cold_max_ms"], board
    assert 0 < board["cached_p50_ms"] <= board["cached_max_ms"], board
    assert board["met"] == (board["summed_max_ms"] < 300)
    assert "Dashboard: city dashboard (admin kota, one year)" in result.output
    # The RSVP POSTs really answered (through the form's CSRF token), and nothing was left
    # running: every server started for the run was stopped.
    engine = create_engine(url)
    with engine.connect() as conn:
        fresh = conn.scalar(select(func.count(Rsvp.id)).where(Rsvp.responded_at >= started))
    engine.dispose()
    assert fresh >= 1
    assert set(run.children_of(os.getpid())) - before == set()  # every server it started is gone
