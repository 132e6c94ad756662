"""Musyawarah: proposals (usulan) residents send to their RT, RW or kelurahan, and polls
(jajak pendapat) pengurus run for their wilayah.

    rules.py          counting (plurality, approval, Borda), ballots, votes, new polls, the
                      proposal status flow (pure)
    models.py         Proposal, ProposalSupport, ProposalComment, ProposalStatusChange;
                      Poll, PollOption, Ballot, BallotChoice, PollVoter
    services.py       propose, support/unsupport, comment, change status; create a poll,
                      vote, results
    queries.py        what a person sees on /musyawarah, a proposal's page, a poll's counts
    routes.py         the pages; personal_data.py: export and the inventory (UU PDP)
    notices.py        a new poll and a decision on a proposal as a push (wants_musyawarah)

A secret ballot holds no voter: who voted is a separate row (poll, user), so a secret vote
cannot be changed. Who may run a poll or move a proposal is the rule that decides who
organises activities (``Action.MANAGE_ACTIVITIES``) on its wilayah.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask

bp = Blueprint("musyawarah", __name__)


def init_app(app: Flask) -> None:
    from community.musyawarah import (  # noqa: F401 (routes register)
        models,
        notifications,
        personal_data,
        routes,
    )

    # Residents propose and comment a few times a day; a burst beyond this is a script.
    app.config.setdefault("MUSYAWARAH_LIMIT", "20 per minute;200 per day")
    app.config.setdefault("PROPOSAL_PHOTO_FOLDER", str(Path(app.instance_path) / "usulan"))
    app.register_blueprint(bp)
    personal_data.register_exports()
    notifications.register()
    from flask_babel import lazy_gettext as _l

    from community.web import badges

    # The way in: a line of "Lainnya" for everyone signed in, after Arisan.
    badges.register_more_link(
        badges.MoreLink("musyawarah", "musyawarah.index", _l("Musyawarah"), "vote", 6)
    )
