"""The inventory of personal data (UU PDP): every column of every table is classified in
``community.core.privacy`` (in the download, not about a person, or withheld, with a
reason), and the download holds every column it says it does."""

from __future__ import annotations

import json

from sqlalchemy import String, Text, select

from community.core import privacy
from community.extensions import db
from tests.conftest import sign_in

# Whose row it is: the person's own id, or the column that points at them.
OWNER = {"user_account": "id", "audit_log": "target_user_id", "message": "sender_id",
         "user_block": "blocker_id", "announcement": "author_id",
         "moderation_report": "reporter_id", "arisan_entry": "recorded_by_id",
         "arisan_draw": "by_id", "arisan_receipt": "uploaded_by_id",
         "arisan_report": "reported_by_id", "proposal": "author_id",
         "proposal_comment": "author_id"}  # fmt: skip


def test_every_column_of_every_table_is_classified(app):
    inventory = privacy.inventory()
    with app.app_context():
        columns = {(t.name, c.name) for t in db.metadata.sorted_tables for c in t.columns}
    classified = {(table, column) for table, cols in inventory.items() for column in cols}

    missing = sorted(f"{t}.{c}" for t, c in columns - classified)
    assert not missing, (
        "columns nobody classified: add each to the inventory of its domain "
        f"(privacy.classify: Exported(path), NotPersonal(reason) or Withheld(reason)): {missing}"
    )
    assert not sorted(classified - columns), "the inventory names columns that do not exist"
    for table, cols in inventory.items():
        for column, kind in cols.items():
            said = kind.path if isinstance(kind, privacy.Exported) else kind.reason
            assert said.strip(), f"{table}.{column}: say where it is exported, or why not"


def resolve(data, path: str) -> list:
    """The values at ``path`` ("a.b", "rows[].c"); a missing key fails the test."""
    values = [data]
    for part in path.split("."):
        key, many = part.removesuffix("[]"), part.endswith("[]")
        nxt = []
        for value in values:
            assert isinstance(value, dict) and key in value, f"{path}: no {key!r} in {value!r}"
            nxt += value[key] if many else [value[key]]
        values = nxt
    return values


def test_the_download_holds_every_exported_column(app, seeded):
    client = sign_in(app.test_client(), seeded.user)
    data = json.loads(client.get("/profil/data.json").get_data(as_text=True))

    with app.app_context():
        for table in db.metadata.sorted_tables:
            exported = {
                column: kind.path
                for column, kind in privacy.inventory()[table.name].items()
                if isinstance(kind, privacy.Exported)
            }
            if not exported:
                continue
            owner = table.c[OWNER.get(table.name, "user_id")]
            rows = db.session.execute(select(table).where(owner == seeded.user.id)).all()
            assert rows, f"extend the seeded person with a row of {table.name}"
            for column, path in exported.items():
                values = resolve(data, path)
                assert values, f"{table.name}.{column}: nothing at {path}"
                if isinstance(table.c[column].type, String | Text):
                    for row in rows:
                        stored = getattr(row, column)
                        assert stored is None or stored in values, (
                            f"{table.name}.{column} holds {stored!r}; {path} has {values!r}"
                        )
