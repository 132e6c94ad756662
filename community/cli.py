"""The ``rukun`` command: a Flask CLI group, so every ``flask`` command works too."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from flask.logging import default_handler as flask_default_handler

from community import create_app


@click.group(cls=FlaskGroup, create_app=create_app)
def main() -> None:
    """Rukun: kegiatan warga Banjarbaru."""


def _print_demo(accounts) -> None:
    from community.demo import DEMO_PASSWORD

    click.echo(f"Akun demo (kata sandi untuk semua: {DEMO_PASSWORD}):")
    for account in accounts:
        click.echo(f"  {account.role:<40} {account.phone}  {account.name}")


def _load_demo_if_empty() -> bool:
    from community.core.time import utcnow
    from community.demo import has_demo_data, load_demo
    from community.extensions import db

    if has_demo_data():
        return False
    accounts = load_demo(now=utcnow())
    db.session.commit()
    _print_demo(accounts)
    return True


@click.command("demo")
@click.option("--show", is_flag=True, help="Print the demo sign-ins again (the data stays).")
@with_appcontext
def demo_command(show: bool) -> None:
    """Load demo data into an empty database and print the demo sign-ins; with --show, print
    them again for a database that already holds the demo."""
    from community.areas.services import ensure_wilayah_tree
    from community.extensions import db

    if show:
        from community.demo import demo_sign_ins

        accounts = demo_sign_ins()
        if not accounts:
            raise click.ClickException("Database ini tidak berisi data demo.")
        _print_demo(accounts)
        return
    ensure_wilayah_tree()
    db.session.commit()
    if not _load_demo_if_empty():
        raise click.ClickException("Database sudah berisi data; demo tidak dimuat.")


@click.command("seed-wilayah")
@with_appcontext
def seed_wilayah_command() -> None:
    """Create Kota Banjarbaru with its kecamatan and kelurahan (idempotent)."""
    from community.areas.services import ensure_wilayah_tree
    from community.extensions import db

    ensure_wilayah_tree()
    db.session.commit()
    click.echo("Wilayah Banjarbaru siap.")


@click.command("reset-code")
@click.argument("phone")
@with_appcontext
def reset_code_command(phone: str) -> None:
    """Print a one-time reset code for PHONE, for the accounts no pengurus may reset (a
    ketua RW, an admin). Audit-logged; the person is told at their next sign-in."""
    from community.accounts import services as accounts
    from community.accounts.rules import InvalidPhone, normalise_phone
    from community.core.time import utcnow
    from community.extensions import db

    try:
        user = accounts.find_by_phone(normalise_phone(phone))
    except InvalidPhone:
        raise click.ClickException("Nomor HP tidak valid.") from None
    if user is None:
        raise click.ClickException("Belum ada akun dengan nomor ini.")
    code = accounts.issue_reset_code(user, issued_by=None, now=utcnow())
    db.session.commit()
    hours = int(accounts.RESET_CODE_VALID.total_seconds() // 3600)
    click.echo(f"Kode reset untuk {user.name}: {code} (berlaku {hours} jam).")
    click.echo("Sampaikan langsung ke pemilik akun, jangan lewat grup.")


@click.command("make-admin")
@click.argument("phone")
@with_appcontext
def make_admin_command(phone: str) -> None:
    """Make the account with PHONE an admin kota (the first official of a new install)."""
    from sqlalchemy import select

    from community.accounts import services as accounts
    from community.accounts.rules import InvalidPhone, normalise_phone
    from community.areas import services as areas
    from community.areas.models import Level, Role, Wilayah
    from community.extensions import db

    try:
        user = accounts.find_by_phone(normalise_phone(phone))
    except InvalidPhone:
        raise click.ClickException("Nomor HP tidak valid.") from None
    if user is None:
        raise click.ClickException("Belum ada akun dengan nomor ini. Daftar dulu lewat aplikasi.")
    kota = areas.ensure_wilayah_tree()
    kota = db.session.scalar(select(Wilayah).where(Wilayah.level == Level.KOTA)) or kota
    try:
        areas.appoint(kota, user, Role.ADMIN_KOTA)
    except areas.AreaError:
        raise click.ClickException("Akun ini sudah admin kota.") from None
    db.session.commit()
    click.echo(f"{user.name} sekarang admin kota.")


@click.command("dashboard-refresh")
@with_appcontext
def dashboard_refresh_command() -> None:
    """Count the city's dashboard for this month, three months and a year now, as the
    worker does every few minutes (after a restore, or before a benchmark)."""
    from community.core.time import utcnow
    from community.dashboard import snapshots

    for preset, seconds in snapshots.refresh(utcnow()).items():
        click.echo(f"{preset}: {seconds:.2f} s")


@click.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(dest: Path) -> None:
    """Back up the whole database into the new file DEST (0600), while the app runs:
    SQLite's online backup API, or pg_dump's custom format for PostgreSQL."""
    from community import backup
    from community.extensions import db

    url = db.engine.url
    try:
        if url.get_backend_name() == "sqlite":
            counts = backup.backup_sqlite(backup.sqlite_path(url), dest)
        else:
            backup.backup_postgresql(url, dest)
            counts = backup.count_rows(db.session)  # after the dump: writes since may show
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Cadangan dibuat: {dest} ({counts}).")


@click.command("restore")
@click.argument("src", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(src: Path, yes: bool) -> None:
    """Replace the whole database with the backup SRC (made by `rukun backup`). Stop
    `rukun serve` and `rukun worker` first; a SQLite database in use is refused."""
    from community import backup
    from community.extensions import db

    url = db.engine.url
    shown = url.render_as_string(hide_password=True)
    if not yes:
        click.confirm(f"Semua data di {shown} diganti dengan isi {src}. Lanjutkan?", abort=True)
    db.session.remove()
    db.engine.dispose()  # this process's own connections would hold the old database
    try:
        if url.get_backend_name() == "sqlite":
            database = backup.sqlite_path(url)
            backup.restore_sqlite(src, database)
            click.echo(f"Database lama disimpan sebagai {database}.before-restore.")
        else:
            backup.restore_postgresql(src, url)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    counts = backup.count_rows(db.session)
    click.echo(f"Cadangan dipulihkan: {src} ({counts}).")


def configure_logging() -> None:
    """The app's own log lines (errors with their reference code, the worker's batches)
    on stderr beside gunicorn's.  Before migrations run: see migrations/env.py."""
    logging.basicConfig(
        level=logging.INFO,
        format="[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s",
    )
    # Flask gives the app's logger its own stderr handler when the root had none yet; with
    # the root's handler too, every line of ``community`` was printed twice.
    logging.getLogger("community").removeHandler(flask_default_handler)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Load demo data when the database is empty.")
@click.option(
    "--with-worker/--no-worker",
    default=True,
    show_default=True,
    help="Also run the reminder worker (off when separate `rukun worker` processes run).",
)
@with_appcontext
def serve_command(host: str, port: int, workers: int, demo: bool, with_worker: bool) -> None:
    """Apply migrations, then run the production server (gunicorn)."""
    from flask_migrate import upgrade

    from community.areas.services import ensure_wilayah_tree
    from community.extensions import db

    configure_logging()
    upgrade()
    ensure_wilayah_tree()
    db.session.commit()
    if demo:
        _load_demo_if_empty()
    db.session.remove()
    db.engine.dispose()  # gunicorn forks: no connection may be shared with the workers
    _publish_static_build()
    click.echo(f"Rukun berjalan di http://{host}:{port}/")
    worker = _start_worker() if with_worker else None
    try:
        _run_gunicorn(current_app._get_current_object(), host, port, workers)
    finally:
        if worker is not None:
            _stop_worker(worker)


def _publish_static_build() -> None:
    """Point ``<instance>/static-current`` at the static build this release serves, so a
    web server in front (deploy/nginx/rukun.conf) serves the same hashed and compressed
    files from disk. Swapped atomically: nginx never sees the link missing."""
    from community.web.assets import build

    builds = Path(current_app.config["STATIC_BUILD_FOLDER"])
    folder, _names = build(Path(current_app.static_folder), builds)
    link = builds.with_name("static-current")
    draft = link.with_name(f".{link.name}.{os.getpid()}")
    draft.unlink(missing_ok=True)
    draft.symlink_to(
        folder.relative_to(link.parent) if folder.is_relative_to(link.parent) else folder
    )
    os.replace(draft, link)


def _start_worker() -> subprocess.Popen:
    """The reminder worker beside the web server, so the embedded default is one command."""
    return subprocess.Popen(
        [sys.executable, "-c", "from community.cli import main; main()", "worker"],
        env=os.environ.copy(),
    )


def _stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGINT)  # graceful: Huey finishes its task (at most ~20 s)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Threads taking tasks.")
@with_appcontext
def worker_command(workers: int) -> None:
    """Run the reminder worker (Huey consumer): sends due push messages every minute."""
    from sqlalchemy import inspect

    from community.extensions import db

    if not inspect(db.engine).has_table("push_message"):
        raise click.ClickException("Database belum siap: jalankan `rukun db upgrade` dulu.")
    db.engine.dispose()
    configure_logging()
    queue = current_app.extensions["rukun_queue"]
    click.echo(f"Pekerja pengingat berjalan ({current_app.config['WORKER_BACKEND']}).")
    consumer = queue.huey.create_consumer(
        workers=workers, worker_type="thread", periodic=True, initial_delay=0.1, max_delay=2.0
    )
    consumer.run()


def _run_gunicorn(app, host: str, port: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", "-")
            # Feed, check-in and invite URLs are credentials: logged as /kalender/***.ics.
            self.cfg.set("logger_class", "community.web.access_log.RedactingLogger")
            # gunicorn 27 opens ~/.gunicorn/gunicorn.ctl by default; two servers would clash.
            self.cfg.set("control_socket_disable", True)

        def load(self):
            return app

    Server().run()


def register_commands(app) -> None:
    from community.bench.cli import bench_command, bench_data_command

    for command in (
        backup_command, bench_command, bench_data_command, dashboard_refresh_command,
        demo_command, seed_wilayah_command, make_admin_command, reset_code_command, restore_command,
        serve_command, worker_command,
    ):  # fmt: skip
        app.cli.add_command(command)
