from __future__ import annotations

import click
from flask.cli import with_appcontext

from community.notifications import services


@click.command("vapid")
@with_appcontext
def vapid_command() -> None:
    """Print the public VAPID key (the browser's applicationServerKey)."""
    click.echo(services.application_server_key(services.load_vapid()))
