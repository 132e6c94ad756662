"""Dasbor ketahanan sosial (#17): participation figures for RT, RW, kelurahan and city
officials, read from what the other domains record; it writes nothing of theirs.

    rules.py          periods, pillars, the "<5" rule, ranking (pure)
    queries.py        the figures of a wilayah subtree by aggregate SQL, and a short cache
    snapshots.py      the worker's counts of the whole city per preset period (models.py)
    charts.py         SVG charts (pygal), shown beside tables with the same numbers
    forms.py          the filter (GET)
    routes.py         /dasbor, a wilayah's page, its charts and CSV downloads

Only aggregates leave the database: no figure names a person, and any count of fewer than
five people is shown as "<5". Who may see a wilayah's figures is who may see its
management overview (``Action.VIEW_OVERVIEW``).
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("dashboard", __name__)


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from community.core.authz import grants_of
    from community.dashboard import models, routes  # noqa: F401 (tables and routes register)
    from community.web import badges

    # The page and its charts ask for the same figures at once; a minute old is current.
    app.config.setdefault("DASHBOARD_CACHE_SECONDS", 60)
    app.register_blueprint(bp)
    # The way in, for anyone holding a role (their grants are loaded for the menu already).
    badges.register_more_link(
        badges.MoreLink(
            "dasbor", "dashboard.home", _l("Dasbor partisipasi"), "chart-column", 20,
            shown=lambda user: bool(grants_of(user)),
        )
    )  # fmt: skip
