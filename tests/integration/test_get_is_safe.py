"""GET changes nothing: every GET route of the access matrix, as every principal, as a page
and as an htmx request, leaves every table of the database byte-for-byte the same.

The routes come from ``test_access_matrix.ROUTES``, whose guard test fails when a route
is missing there, so a new GET route is covered here the day it lands.

What a GET may legitimately write, and why nothing is excluded below:
- the session cookie (sign-in, language, flashed messages, the CSRF secret) lives in the
  signed cookie, not in the database;
- rate-limit counters live in the limiter's storage (memory, ``instance/ratelimit.sqlite3``
  or Redis), not in the app's database;
- Rukun keeps no "last seen", "last fetched" or view counter: the calendar feed
  (``/kalender/<token>.ics``) and the self check-in page only read. If one is ever added
  it must be a decision made here, with its table named, not a silent exclusion.
- the decisions (``WRITES``): opening an announcement marks it read for that person
  (``announcement_read``, one row the first time): the author's "dibaca oleh N dari M
  warga" (issue #13) counts them.
  Opening a direct conversation, or its poll bringing new messages, moves that member's
  read mark (``conversation_member``, only when something was unread): the unread badge.
"""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import MetaData, Table, select

from community.extensions import db
from tests.conftest import PRINCIPALS, sign_in
from tests.integration.test_access_matrix import ROUTES, SECOND_PASS

GET_ROUTES = [route for route in ROUTES if route.method == "GET"]
# endpoint -> the tables its GET writes on purpose (see the module docstring)
WRITES = {
    "announcements.detail": {"announcement_read"},
    "messages.conversation": {"conversation_member"},
    "messages.poll": {"conversation_member"},
}


def database_tables() -> list[Table]:
    """Every table the database holds, reflected: a table without a model counts too."""
    meta = MetaData()
    with db.engine.connect() as conn:
        meta.reflect(bind=conn)
    return meta.sorted_tables


def table_checksums(tables: list[Table] | None = None) -> dict[str, str]:
    """sha256 of each table's rows, ordered by primary key."""
    checksums = {}
    with db.engine.connect() as conn:
        for table in tables or database_tables():
            order = list(table.primary_key.columns) or list(table.columns)
            digest = hashlib.sha256()
            for row in conn.execute(select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
                digest.update(b"\n")
            checksums[table.name] = digest.hexdigest()
    return checksums


def test_the_checksum_sees_a_change(app, world):
    """The detector itself: one changed byte in one row changes that table's checksum."""
    from community.accounts.models import User

    with app.app_context():
        before = table_checksums()
        user = db.session.get(User, world["resident_a"].id)
        user.name += "."
        db.session.commit()
        after = table_checksums()
    changed = [name for name in before if before[name] != after[name]]
    assert changed == ["user_account"]


@pytest.mark.parametrize(
    "principal",
    # one principal of each kind of answer on PostgreSQL, every one on SQLite (as the matrix)
    [p if p in SECOND_PASS else pytest.param(p, marks=pytest.mark.first_pass_only)
     for p in PRINCIPALS],
)  # fmt: skip
def test_get_routes_change_nothing(app, world, principal):
    with app.app_context():
        # Some URLs are made by creating a row (a calendar feed): build them all first.
        urls = [(route.endpoint, route.url(world)) for route in GET_ROUTES]
        db.session.remove()  # end the session's transaction (SQLite: its write lock)
        tables = database_tables()
        before = table_checksums(tables)
    assert {t.name for t in db.metadata.sorted_tables} <= set(before), "a model's table is missing"
    client = sign_in(app.test_client(), world[principal])
    for endpoint, url in urls:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            response.close()
            with app.app_context():
                after = table_checksums(tables)
            changed = sorted(name for name in before if before[name] != after[name])
            changed = [name for name in changed if name not in WRITES.get(endpoint, ())]
            before = {**before, **{name: after[name] for name in WRITES.get(endpoint, ())}}
            assert not changed, (
                f"GET {url} ({endpoint}) as {principal}{' (htmx)' if headers else ''} "
                f"answered {response.status_code} and changed table(s): {', '.join(changed)}"
            )
