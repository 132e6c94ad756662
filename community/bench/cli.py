"""``rukun bench-data`` and ``rukun bench``."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from community.bench.data import SCALES

DURATION_MAX = 600  # seconds per scenario: a typo must not load the machine for an hour
CONNECTIONS_MAX = 1024


def _database_url(database: str | None, scale: str) -> str:
    """The given URL (a relative SQLite path is taken from the working folder), else a
    file of its own in the instance folder, never the app's database."""
    if database is None:
        return f"sqlite:///{Path(current_app.instance_path) / f'bench-{scale}.sqlite3'}"
    prefix = "sqlite:///"
    if database.startswith(prefix) and not database.startswith(prefix + "/"):
        return prefix + str(Path(database.removeprefix(prefix)).resolve())
    return database


class _Progress:
    """click's progress bar on stderr, opened once the generator knows the total."""

    def __init__(self, label: str) -> None:
        self.label, self.bar = label, None

    def start(self, total: int) -> None:
        self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
        self.bar.__enter__()

    def step(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _generate(url: str, scale: str, seed: int) -> None:
    from community.bench import data

    if not logging.getLogger().handlers:  # else migrations/env.py logs every revision
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    progress = _Progress(f"bench-data {scale}")
    try:
        built = data.build(url, scale, seed=seed, on_total=progress.start, progress=progress.step)
    except data.NotABenchDatabase as exc:
        raise click.ClickException(f"Not wiped: the database holds {exc}.") from None
    finally:
        progress.close()
    counts = ", ".join(f"{k} {v:,}" for k, v in built.counts.items())
    click.echo(f"Made {scale} in {built.seconds:.1f} s: {counts}")
    click.echo(f"Database: {url}")
    click.echo(f"Sign in (password for all: {data.PASSWORD}):")
    for role, phone, name in built.sign_ins:
        click.echo(f"  {role:<16} {phone}  {name}")


@click.command("bench-data")
@click.option("--scale", type=click.Choice(SCALES), default="demo", show_default=True)
@click.option("--database", help="SQLAlchemy URL [default: instance/bench-SCALE.sqlite3].")
@click.option("--seed", type=int, default=2026, show_default=True)
@with_appcontext
def bench_data_command(scale: str, database: str | None, seed: int) -> None:
    """Make a benchmark database (wiped, then migrated) with the real wilayah tree,
    residents and a year of activities: demo, one kelurahan or the whole city."""
    _generate(_database_url(database, scale), scale, seed)


@click.command("bench")
@click.option("--scale", type=click.Choice(SCALES), default="demo", show_default=True)
@click.option(
    "--database",
    help="A database made by bench-data [default: instance/bench-SCALE.sqlite3, "
    "made or remade when missing or behind the migrations].",
)
@click.option("--duration", type=click.FloatRange(1, DURATION_MAX), default=10.0,
              show_default=True, help="Seconds per scenario.")  # fmt: skip
@click.option("--connections", type=click.IntRange(1, CONNECTIONS_MAX), default=32,
              show_default=True)  # fmt: skip
@click.option("--json", "json_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the report as JSON here.")  # fmt: skip
@click.option("--push/--no-push", default=False, show_default=True,
              help="Also run the 10,000-reminder push benchmark (benchmarks/push.py).")  # fmt: skip
@with_appcontext
def bench_command(scale: str, database: str | None, duration: float, connections: int,
                  json_file: Path | None, push: bool) -> None:  # fmt: skip
    """HTTP benchmark: `rukun serve` (gunicorn -w 2 -k gthread --threads 4) on the bench
    database and a bare Flask template page, driven in turn by wrk on 127.0.0.1: home
    feed, its htmx page 2, activity page, RSVP POST and a mix. Prints req/s, p50/p95/p99,
    errors and server CPU ms per request, each next to the bare page."""
    from community import ROOT
    from community.bench import data, run

    url = _database_url(database, scale)
    expected = sum(sum(p.rts_per_rw) for p in data.plan(scale))
    current = data.schema_is_current(url) and run.data_counts(url)["rt"] == expected
    if not current:
        if database is not None:
            raise click.ClickException(
                f"{url} is not a current {scale} bench database: run `rukun bench-data "
                f"--scale {scale} --database ...` first."
            )
        _generate(url, scale, 2026)
    log = lambda message: click.echo(message, err=True)  # noqa: E731
    try:
        report = run.run(url, scale=scale, duration=duration, connections=connections, log=log)
    except run.BenchError as exc:
        raise click.ClickException(str(exc)) from None
    if push:
        log("push benchmark: 10,000 reminders through a real `rukun worker` ...")
        report["push"] = run.run_push(ROOT)
    click.echo(run.markdown(report))
    if json_file is not None:
        json_file.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        click.echo(f"JSON: {json_file}")
