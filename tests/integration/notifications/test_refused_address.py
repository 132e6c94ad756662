"""A push service whose name resolves to a private address is refused at send time, and
the ledger says so: refused, not a timeout to retry."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from community.core.time import WITA, utcnow
from community.events import answers
from community.events import services as events
from community.events.models import Activity
from community.extensions import db
from community.notifications import dispatch
from community.notifications.models import MessageStatus, PushSubscription
from tests.conftest import test_config
from tests.integration.notifications.conftest import browser_subscription, rows


@pytest.fixture
def app_config(_shared_dir):
    # The real checks on; "localhost" is allowed as a push service only to reach the
    # send-time check (it resolves to 127.0.0.1 / ::1, which must be refused).
    return test_config(_shared_dir, PUSH_ALLOWED_HOSTS=("localhost",), PUSH_TIMEOUT=2.0)


def test_a_push_service_on_a_private_address_is_refused_once_not_retried(app, world, server_key):
    info = browser_subscription("https://localhost/push/siti-hp")
    day = utcnow().astimezone(WITA).date() + timedelta(days=3)
    starts = datetime.combine(day, time(7, 0), tzinfo=WITA)
    with app.app_context():
        db.session.add(PushSubscription(user_id=world["resident_a"].id, endpoint=info["endpoint"],
                                        p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"]))  # fmt: skip
        activity = events.create_activity(
            world.rt_a, by=world["pengurus_a"], now=utcnow(), kind="gotong_royong",
            title="Kerja bakti", place="Pos kamling", starts_at=starts,
            ends_at=starts + timedelta(hours=3),
        )  # fmt: skip
        db.session.commit()
        answers.respond(db.session.get(Activity, activity.id), world["resident_a"],
                       answer="hadir", now=utcnow())  # fmt: skip
        db.session.commit()
        first = rows(activity.id)[0]
        due, first_id = first.due_at, first.id

        tally = dispatch.run_batch(dispatch.make_signer(), now=due + timedelta(seconds=1))

        db.session.expire_all()
        refused = db.session.get(type(first), first_id)
        assert refused.status == MessageStatus.FAILED
        assert refused.last_error == "address_refused"
        assert tally.failed >= 1 and tally.retry == 0
