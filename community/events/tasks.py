"""Tasks of an activity (who brings the cangkul, the terpal, the snacks) and sign-ups,
with guarded counts like places. Services flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.events import rules
from community.events.models import Activity, Task, TaskSignup
from community.events.rules import EventError
from community.extensions import db


def add_task(activity: Activity, *, label: str, quantity: int) -> Task:
    if not 1 <= quantity <= rules.MAX_TASK_QUANTITY:
        raise EventError("task_quantity")
    task = Task(activity_id=activity.id, label=label, quantity_needed=quantity)
    db.session.add(task)
    db.session.flush()
    return task


def get_task(activity: Activity, task_id: int) -> Task | None:
    return db.session.scalar(
        select(Task).where(Task.id == task_id, Task.activity_id == activity.id)
    )


def remove_task(task: Task) -> None:
    db.session.delete(task)
    db.session.flush()


@dataclass(frozen=True)
class TaskLine:
    task: Task
    mine: int  # how many the signed-in resident promised
    names: list[str]  # who promised (for the organiser)

    @property
    def missing(self) -> int:
        return self.task.quantity_needed - self.task.quantity_taken


def list_tasks(activity: Activity, user: User) -> list[TaskLine]:
    """Tasks in order with who signed up: two queries whatever the number of tasks."""
    tasks = db.session.scalars(
        select(Task).where(Task.activity_id == activity.id).order_by(Task.id)
    ).all()
    if not tasks:
        return []
    rows = db.session.execute(
        select(TaskSignup.task_id, TaskSignup.user_id, TaskSignup.quantity, User.name)
        .outerjoin(User, User.id == TaskSignup.user_id)
        .where(TaskSignup.task_id.in_([t.id for t in tasks]))
        .order_by(TaskSignup.created_at)
    ).all()
    mine: dict[int, int] = {}
    names: dict[int, list[str]] = {}
    for task_id, user_id, quantity, name in rows:
        if user_id == user.id:
            mine[task_id] = quantity
        names.setdefault(task_id, []).append(f"{name or '—'} ×{quantity}")
    return [TaskLine(t, mine.get(t.id, 0), names.get(t.id, [])) for t in tasks]


def sign_up(task: Task, user: User, *, quantity: int) -> None:
    """Promise ``quantity`` of a task; never more than is still missing (guarded UPDATE)."""
    existing = db.session.scalar(
        select(TaskSignup).where(TaskSignup.task_id == task.id, TaskSignup.user_id == user.id)
    )
    previous = existing.quantity if existing else 0
    delta = quantity - previous
    if quantity < 1 or quantity > rules.MAX_TASK_QUANTITY:
        raise EventError("task_quantity")
    claimed = db.session.execute(
        update(Task)
        .where(Task.id == task.id, Task.quantity_taken + delta <= Task.quantity_needed)
        .values(quantity_taken=Task.quantity_taken + delta)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise EventError("task_full")
    try:
        # Added inside the savepoint: begin_nested() flushes what is pending before it.
        with db.session.begin_nested():
            if existing is None:
                db.session.add(TaskSignup(task_id=task.id, user_id=user.id, quantity=quantity))
            else:
                existing.quantity = quantity
    except IntegrityError as exc:
        raise EventError("conflict") from exc
    db.session.refresh(task)


def withdraw_signup(task: Task, user: User) -> None:
    existing = db.session.scalar(
        select(TaskSignup).where(TaskSignup.task_id == task.id, TaskSignup.user_id == user.id)
    )
    if existing is None:
        return
    db.session.execute(
        update(Task)
        .where(Task.id == task.id)
        .values(quantity_taken=Task.quantity_taken - existing.quantity)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(existing)
    db.session.flush()
    db.session.refresh(task)
