"""Arisan: rotating savings groups of an RT or RW, their rounds, ledger and a fair draw.

    rules.py          money, schedule, ledger sums, the commit-reveal draw (pure)
    models.py         ArisanGroup, ArisanMember, ArisanSlot, ArisanRound, ArisanEntry,
                      ArisanDrawLog (the ledger and the draw log are append-only)
    policies.py       the group's own roles: pengelola, bendahara, anggota
    services.py       create a group, schedule rounds (activities of kind arisan), payments,
                      "sudah transfer" reports and their decision, reversals, the draw
                      and its undo, payouts, a new cycle
    receipts.py       transfer receipt photos (community.core.photos), private
    notices.py        pushes: the unpaid reminder the day before, the winner after a draw
    queries.py        my groups, a group's page, a round with its log
    routes.py         the pages

Group roles are not wilayah roles: who runs a group is in its own tables
(``policies.py``); officials see neither the group nor who paid.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask

bp = Blueprint("arisan", __name__)


def init_app(app: Flask) -> None:
    from community.arisan import (  # noqa: F401 (routes register)
        models,
        notices,
        personal_data,
        policies,
        routes,
        rules,
    )

    # Receipts are residents' data: in the instance folder, never under static/.
    app.config.setdefault("ARISAN_RECEIPT_FOLDER", str(Path(app.instance_path) / "arisan-bukti"))
    # A bendahara marks a dozen payments in a meeting; more is a stuck button or a script.
    app.config.setdefault("ARISAN_LIMIT", "60 per minute;600 per day")
    app.register_blueprint(bp)
    app.add_template_filter(rules.format_rupiah, "rupiah")
    app.add_template_global(policies.may_see_payments)
    app.add_template_global(policies.may_record_payment)
    app.add_template_global(policies.may_run_draw)
    app.add_template_global(policies.may_see_receipt)
    personal_data.register_exports()
    notices.register()
    from flask_babel import lazy_gettext as _l

    from community.web import badges

    # The way in: a line of "Lainnya" for everyone signed in (the list is their own groups),
    # before past activities, as the domains' pages are.
    badges.register_more_link(badges.MoreLink("arisan", "arisan.index", _l("Arisan"), "coins", 5))
