"""Work that follows a change, noted where the change is made and done once, at the
real commit, with the request's ``now``.

A service that changes something people are told about says so next to the change::

    reminders.note_answer(activity, user_id)      # -> planning.note(db.session, ...)

and the one ``before_commit`` listener of Rukun's session runs every noted planner once,
with all the items noted for it, in the transaction being committed: the outbox rows
are committed with the change that caused them, or not at all.

- Releasing a savepoint is not the commit: planning waits for the outermost one.
- A savepoint rolled back takes the notes taken inside it; a real rollback takes all.
- ``now`` is :func:`planning_now`: ``flask.g.now`` when the route, CLI command or
  worker set it, else the clock. It is the one place planning reads the clock.

The listeners are on the sessions of ``db`` only (its ``sessionmaker``), not on every
SQLAlchemy session of the process.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from community.core.time import utcnow
from community.extensions import db

Planner = Callable[..., object]
"""Called as ``planner(items, now=now)`` with the items noted for it, in order, once each."""

_NOTES = "rukun_planning"


@dataclass(frozen=True)
class Note:
    planner: Planner
    item: Hashable
    savepoints: tuple[SessionTransaction, ...]  # open when noted, innermost first


def note(session: Session, planner: Planner, item: Hashable) -> None:
    """Ask for ``planner`` to run at this transaction's commit with ``item`` among its
    items (an item noted twice is passed once)."""
    notes = session.info.setdefault(_NOTES, [])
    notes.append(Note(planner, item, _savepoints(session)))


def noted(session: Session, planner: Planner | None = None) -> list[Hashable]:
    """The items noted so far in this transaction (for ``planner``, or all)."""
    return [n.item for n in session.info.get(_NOTES, []) if planner in (None, n.planner)]


def planning_now() -> datetime:
    """The request's ``now`` (``g.now``, set by whoever began the request), else the clock."""
    now = g.get("now") if has_app_context() else None
    return now if now is not None else utcnow()


def run(session: Session, *, now: datetime) -> None:
    """Run what was noted (and what the planners note in turn), each planner once a round."""
    while notes := session.info.pop(_NOTES, []):
        by_planner: dict[Planner, list[Hashable]] = {}
        for n in notes:
            items = by_planner.setdefault(n.planner, [])
            if n.item not in items:
                items.append(n.item)
        for planner, items in by_planner.items():
            planner(items, now=now)
        session.flush()


def _savepoints(session: Session) -> tuple[SessionTransaction, ...]:
    chain, tx = [], session.get_nested_transaction()
    while tx is not None and tx.nested:
        chain.append(tx)
        tx = tx.parent
    return tuple(chain)


def _before_commit(session: Session) -> None:
    """Only the real commit plans: releasing a savepoint also fires ``before_commit``, and
    planning there would run before the rest of the transaction is known."""
    if session.in_nested_transaction() or not session.info.get(_NOTES) or not has_app_context():
        return
    session.flush()
    run(session, now=planning_now())


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    """(Not ``after_rollback``: it fires for a savepoint too, and would forget the notes of
    the changes made before it.)"""
    notes: Sequence[Note] | None = session.info.get(_NOTES)
    if notes is None:
        return
    if not previous.nested:
        session.info.pop(_NOTES, None)
        return
    session.info[_NOTES] = [n for n in notes if previous not in n.savepoints]


def install() -> None:
    """Listen on ``db``'s sessions (idempotent: create_app runs many times in tests)."""
    target = db.session.session_factory
    if not event.contains(target, "before_commit", _before_commit):
        event.listen(target, "before_commit", _before_commit)
        event.listen(target, "after_soft_rollback", _after_soft_rollback)
