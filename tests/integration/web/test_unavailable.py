"""The database down: a friendly Indonesian 503 with Retry-After, for signed-in people
too (loading them needs the database), and the app recovers by itself.  A real
unreachable database, not a mock: a PostgreSQL port nobody listens on, and a SQLite
file that cannot be opened."""

from __future__ import annotations

import html
import socket
from pathlib import Path

import pytest

from community import create_app
from community.extensions import db
from tests.conftest import sign_in, test_config, text_of

MESSAGE = "Maaf, Rukun tidak bisa membuka datanya saat ini."


def said(response) -> str:
    return html.unescape(text_of(response))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: nobody listens there


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"
    assert "Sedang gangguan" in said(response)
    assert MESSAGE in said(response)


def signed_in(app):
    """A client whose session says "signed in": loading the person needs the database."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:a-session-token"
    return client


@pytest.fixture
def unreachable_postgres(tmp_path):
    url = f"postgresql+psycopg://rukun@127.0.0.1:{free_port()}/rukun"
    app = create_app(test_config(tmp_path, SQLALCHEMY_DATABASE_URI=url))
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_signed_in_resident_gets_a_friendly_503_when_postgresql_is_unreachable(
    unreachable_postgres,
):
    client = signed_in(unreachable_postgres)

    page = client.get("/")
    fragment = client.get("/kegiatan/lalu", headers={"HX-Request": "true"})
    health = client.get("/healthz")

    assert_unavailable(page)
    assert fragment.status_code == 503
    assert fragment.headers["X-Rukun-Unavailable"] == "1"  # app.js shows the banner
    assert "Server sedang gangguan" in fragment.get_data(as_text=True)
    assert health.status_code == 503


def test_english_speakers_read_it_in_english(unreachable_postgres):
    client = signed_in(unreachable_postgres)

    page = client.get("/", headers={"Accept-Language": "en"})

    assert page.status_code == 503
    assert "Sorry, Rukun cannot reach its data right now." in said(page)


def _make_unopenable(path: Path) -> Path:
    """Move the database away and put a directory where the file was: SQLite cannot
    open it (root ignores file modes, so chmod 000 would not do)."""
    aside = path.with_name(path.name + ".aside")
    path.rename(aside)
    path.mkdir()
    return aside


def test_a_sqlite_file_that_cannot_be_opened_gives_503_and_recovers_by_itself(
    tmp_path, make_user_in
):
    app, user = make_user_in(tmp_path)
    client = sign_in(app.test_client(), user)
    assert client.get("/").status_code == 200
    database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))

    with app.app_context():
        db.engine.dispose()  # the outage also breaks the connections already open
    aside = _make_unopenable(database)
    down = client.get("/")
    database.rmdir()
    aside.rename(database)
    back = client.get("/")

    assert_unavailable(down)
    assert back.status_code == 200  # no restart needed
    assert "Sedang gangguan" not in said(back)


@pytest.fixture
def make_user_in(make_user):
    """An app of its own on a SQLite file in ``tmp_path``, with one resident."""
    apps = []

    def make(tmp_path):
        url = f"sqlite:///{tmp_path / 'down.sqlite3'}"
        app = create_app(test_config(tmp_path, SQLALCHEMY_DATABASE_URI=url))
        apps.append(app)
        with app.app_context():
            db.create_all()
            from community.accounts.models import User
            from tests.conftest import _PASSWORD_HASH

            user = User(name="Siti Aminah", phone="+6281300000001", password_hash=_PASSWORD_HASH)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return app, user

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()
