"""The ``rukun`` command: a Flask CLI group, so every ``flask`` command works too."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys

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
@with_appcontext
def demo_command() -> None:
    """Load demo data into an empty database and print the demo sign-ins."""
    from community.areas.services import ensure_wilayah_tree
    from community.extensions import db

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
    click.echo(f"Rukun berjalan di http://{host}:{port}/")
    worker = _start_worker() if with_worker else None
    try:
        _run_gunicorn(current_app._get_current_object(), host, port, workers)
    finally:
        if worker is not None:
            _stop_worker(worker)


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
        bench_command, bench_data_command,
        demo_command, seed_wilayah_command, make_admin_command, reset_code_command,
        serve_command, worker_command,
    ):  # fmt: skip
        app.cli.add_command(command)
