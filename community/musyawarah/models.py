"""Proposals (usulan) with their supports, comments and status history; polls (jajak
pendapat) with their options, ballots and who has voted.

A secret ballot is anonymous by construction: :class:`Ballot` has a random id, no
timestamp and, for a secret poll, no voter; :class:`BallotChoice` has no row number of
its own. That someone voted is :class:`PollVoter` (poll, user), kept apart, so no page,
export or query can tie a secret ballot to a person.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.areas.models import Wilayah
from community.core.time import utcnow
from community.core.types import UTCDateTime
from community.extensions import db
from community.musyawarah import rules


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Proposal(db.Model):
    """An usulan to the wilayah it now lies with (``wilayah``: its RT, RW or kelurahan;
    forwarding moves it to the parent). ``origin_wilayah`` is where it was proposed."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    wilayah_id: Mapped[int] = mapped_column(ForeignKey("wilayah.id", ondelete="CASCADE"))
    origin_wilayah_id: Mapped[int] = mapped_column(ForeignKey("wilayah.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(rules.TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(16))
    location: Mapped[str] = mapped_column(String(rules.LOCATION_MAX), default="")
    photo_name: Mapped[str | None] = mapped_column(String(64))  # photos.py: a random name
    status: Mapped[str] = mapped_column(String(12), default=rules.Status.DIAJUKAN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    wilayah: Mapped[Wilayah] = relationship(lazy="joined", foreign_keys=[wilayah_id])
    origin_wilayah: Mapped[Wilayah] = relationship(foreign_keys=[origin_wilayah_id])
    author: Mapped[User | None] = relationship()  # noqa: F821

    __table_args__ = (
        Index("ix_proposal_wilayah_id_created_at", "wilayah_id", "created_at"),
        Index("ix_proposal_origin_wilayah_id", "origin_wilayah_id"),
        CheckConstraint(_in("category", rules.Category), name="category_known"),
        CheckConstraint(_in("status", rules.Status), name="status_known"),
        CheckConstraint(f"length(title) BETWEEN 1 AND {rules.TITLE_MAX}", name="title_length"),
        CheckConstraint(f"length(body) BETWEEN 1 AND {rules.BODY_MAX}", name="body_length"),
    )

    @property
    def authz_scope(self) -> tuple[str, str]:
        """:class:`community.core.authz.Scoped`: a proposal belongs to the wilayah it lies
        with now."""
        return self.wilayah.authz_scope


class ProposalSupport(db.Model):
    """One resident's support ("Dukung"); one per resident per proposal."""

    __tablename__ = "proposal_support"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)


class ProposalComment(db.Model):
    """A comment on a proposal; deleted with its author's account, like an activity's."""

    __tablename__ = "proposal_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")  # noqa: F821

    __table_args__ = (
        CheckConstraint(f"length(body) BETWEEN 1 AND {rules.COMMENT_MAX}", name="body_length"),
    )


class ProposalStatusChange(db.Model):
    """One step of a proposal's history: who moved it from which status to which, when,
    and why. Proposing is the first step (``from_status`` empty); ``wilayah`` is where the
    proposal lay after the step (a forwarding names the level it went to)."""

    __tablename__ = "proposal_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    wilayah_id: Mapped[int | None] = mapped_column(ForeignKey("wilayah.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    changed_by: Mapped[User | None] = relationship(lazy="joined")  # noqa: F821
    wilayah: Mapped[Wilayah | None] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint(_in("to_status", rules.Status), name="to_status_known"),
        CheckConstraint(f"length(reason) <= {rules.REASON_MAX}", name="reason_length"),
    )


class Poll(db.Model):
    """A jajak pendapat for the residents of ``wilayah``'s subtree, open from ``opens_at``
    to ``closes_at``. ``max_choices`` is N of "up to N" (1 for a single choice)."""

    __tablename__ = "poll"

    id: Mapped[int] = mapped_column(primary_key=True)
    wilayah_id: Mapped[int] = mapped_column(ForeignKey("wilayah.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    question: Mapped[str] = mapped_column(String(rules.TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(12))
    max_choices: Mapped[int] = mapped_column(default=1)
    is_secret: Mapped[bool] = mapped_column(default=False)
    shows_live: Mapped[bool] = mapped_column(default=False)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    wilayah: Mapped[Wilayah] = relationship(lazy="joined")
    options: Mapped[list[PollOption]] = relationship(
        order_by="PollOption.position", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        Index("ix_poll_wilayah_id_closes_at", "wilayah_id", "closes_at"),
        CheckConstraint(_in("kind", rules.PollKind), name="kind_known"),
        CheckConstraint(f"max_choices BETWEEN 1 AND {rules.MAX_OPTIONS}", name="max_choices_range"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint(
            f"length(question) BETWEEN 1 AND {rules.TITLE_MAX}", name="question_length"
        ),
        CheckConstraint(f"length(description) <= {rules.BODY_MAX}", name="description_length"),
    )

    @property
    def authz_scope(self) -> tuple[str, str]:
        """:class:`community.core.authz.Scoped`: a poll belongs to its wilayah."""
        return self.wilayah.authz_scope


class PollOption(db.Model):
    __tablename__ = "poll_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(rules.OPTION_MAX))
    position: Mapped[int] = mapped_column()

    __table_args__ = (
        UniqueConstraint("poll_id", "position"),
        CheckConstraint(f"length(label) BETWEEN 1 AND {rules.OPTION_MAX}", name="label_length"),
    )


def new_ballot_id() -> str:
    """Random, so the order of ids says nothing about the order of voting."""
    return secrets.token_hex(16)


class Ballot(db.Model):
    """One ballot. ``voter_id`` only on an open ballot (so it can be changed); a secret
    ballot names nobody and has no time."""

    __tablename__ = "ballot"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_ballot_id)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    voter_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )

    choices: Mapped[list[BallotChoice]] = relationship(
        order_by="BallotChoice.rank", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (UniqueConstraint("poll_id", "voter_id"),)


class BallotChoice(db.Model):
    """An option on a ballot at ``rank`` (1 = first; for a single or multiple choice the
    order means nothing). No row number: nothing here says when it was written."""

    __tablename__ = "ballot_choice"

    ballot_id: Mapped[str] = mapped_column(
        ForeignKey("ballot.id", ondelete="CASCADE"), primary_key=True
    )
    option_id: Mapped[int] = mapped_column(
        ForeignKey("poll_option.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    rank: Mapped[int] = mapped_column()

    __table_args__ = (
        UniqueConstraint("ballot_id", "rank"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )


class PollVoter(db.Model):
    """ "Sudah memilih": that ``user`` voted in ``poll`` (one ballot per resident, kept by
    the unique constraint). Nameless once the account is deleted, so turnout stays right."""

    __tablename__ = "poll_voter"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )

    __table_args__ = (UniqueConstraint("poll_id", "user_id"),)


class Minutes(db.Model):
    """The notulen of a musyawarah meeting (an activity of kind musyawarah), one per
    meeting: plain text as typed (links made clickable when shown, never HTML), with the
    proposals and polls the meeting settled. Every save is a :class:`MinutesRevision`, so
    who wrote and who changed it, and when, stay."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), unique=True
    )
    body: Mapped[str] = mapped_column(Text)
    written_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    activity: Mapped[Activity] = relationship(lazy="joined")  # noqa: F821
    written_by: Mapped[User | None] = relationship()  # noqa: F821
    proposals: Mapped[list[Proposal]] = relationship(
        secondary="minutes_proposal", order_by="Proposal.id"
    )
    polls: Mapped[list[Poll]] = relationship(secondary="minutes_poll", order_by="Poll.id")

    __table_args__ = (
        CheckConstraint(f"length(body) BETWEEN 1 AND {rules.MINUTES_MAX}", name="body_length"),
    )

    @property
    def authz_scope(self) -> tuple[str, str]:
        """:class:`community.core.authz.Scoped`: notulen belong to their meeting's wilayah."""
        return self.activity.authz_scope


class MinutesRevision(db.Model):
    """One save of the notulen: who, when, and the text as it was then."""

    __tablename__ = "minutes_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        ForeignKey("minutes.id", ondelete="CASCADE"), index=True
    )
    edited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    body: Mapped[str] = mapped_column(Text)

    edited_by: Mapped[User | None] = relationship(lazy="joined")  # noqa: F821


class MinutesProposal(db.Model):
    """A proposal the meeting discussed or decided."""

    __tablename__ = "minutes_proposal"

    minutes_id: Mapped[int] = mapped_column(
        ForeignKey("minutes.id", ondelete="CASCADE"), primary_key=True
    )
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MinutesPoll(db.Model):
    """A poll whose result the meeting took up."""

    __tablename__ = "minutes_poll"

    minutes_id: Mapped[int] = mapped_column(
        ForeignKey("minutes.id", ondelete="CASCADE"), primary_key=True
    )
    poll_id: Mapped[int] = mapped_column(
        ForeignKey("poll.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class PaperTally(db.Model):
    """A batch of paper ballots a pengurus counted and entered (for residents without a
    phone): how many ballots, who entered them and when. The marks per option are
    :class:`PaperTallyCount` (a single or multiple choice), or the order all its ballots
    share is :class:`PaperTallyRank` (a ranking); nothing here names a voter."""

    __tablename__ = "paper_tally"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    ballots: Mapped[int] = mapped_column()
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Withdrawn (entered by mistake): kept in the log, no longer counted.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )

    entered_by: Mapped[User | None] = relationship(  # noqa: F821
        foreign_keys=[entered_by_id], lazy="joined"
    )
    withdrawn_by: Mapped[User | None] = relationship(  # noqa: F821
        foreign_keys=[withdrawn_by_id], lazy="joined"
    )

    @hybrid_property
    def is_counted(self) -> bool:
        """Counted in the results and turnout: not withdrawn."""
        return self.withdrawn_at is None

    @is_counted.inplace.expression
    @classmethod
    def _is_counted_expression(cls):
        return cls.withdrawn_at.is_(None)

    @classmethod
    def counted_ballots(cls, poll_id):
        """The paper ballots counted for ``poll_id`` (an id, or ``Poll.id`` of an enclosing
        query), withdrawn batches left out: a scalar subquery."""
        return (
            select(func.coalesce(func.sum(cls.ballots), 0))
            .where(cls.poll_id == poll_id, cls.is_counted)
            .scalar_subquery()
        )

    __table_args__ = (
        CheckConstraint(f"ballots BETWEEN 1 AND {rules.PAPER_MAX_BALLOTS}", name="ballots_range"),
    )


class PaperTallyCount(db.Model):
    """The paper marks for one option in a batch."""

    __tablename__ = "paper_tally_count"

    tally_id: Mapped[int] = mapped_column(
        ForeignKey("paper_tally.id", ondelete="CASCADE"), primary_key=True
    )
    option_id: Mapped[int] = mapped_column(
        ForeignKey("poll_option.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    votes: Mapped[int] = mapped_column()

    __table_args__ = (CheckConstraint("votes >= 0", name="votes_not_negative"),)


class PaperTallyRank(db.Model):
    """One place on the ranked paper ballots of a batch: every ballot of the batch puts
    ``option`` at ``place`` (1 is the first). A batch without any is blank ballots."""

    __tablename__ = "paper_tally_rank"

    tally_id: Mapped[int] = mapped_column(
        ForeignKey("paper_tally.id", ondelete="CASCADE"), primary_key=True
    )
    place: Mapped[int] = mapped_column(primary_key=True)
    option_id: Mapped[int] = mapped_column(
        ForeignKey("poll_option.id", ondelete="CASCADE"), index=True
    )

    __table_args__ = (
        UniqueConstraint("tally_id", "option_id"),  # an option has one place on a ballot
        CheckConstraint(f"place BETWEEN 1 AND {rules.MAX_OPTIONS}", name="place_range"),
    )


class TimePoll(db.Model):
    """A time poll ("kapan musyawarah?") for the residents of ``wilayah``: they tick the
    proposed times that suit them; the organiser picks one (``chosen_option_id``), which
    makes the musyawarah activity (``activity_id``)."""

    __tablename__ = "time_poll"

    id: Mapped[int] = mapped_column(primary_key=True)
    wilayah_id: Mapped[int] = mapped_column(
        ForeignKey("wilayah.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(rules.TITLE_MAX))
    place: Mapped[str] = mapped_column(String(rules.LOCATION_MAX))
    # The picked TimeOption of this poll (no foreign key: the options point here, and an
    # option is only ever deleted with its poll).
    chosen_option_id: Mapped[int | None] = mapped_column()
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    wilayah: Mapped[Wilayah] = relationship(lazy="joined")
    options: Mapped[list[TimeOption]] = relationship(
        order_by="TimeOption.starts_at",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (
        CheckConstraint(f"length(title) BETWEEN 1 AND {rules.TITLE_MAX}", name="title_length"),
        CheckConstraint(f"length(place) BETWEEN 1 AND {rules.LOCATION_MAX}", name="place_length"),
    )

    @property
    def authz_scope(self) -> tuple[str, str]:
        """:class:`community.core.authz.Scoped`: a time poll belongs to its wilayah."""
        return self.wilayah.authz_scope


class TimeOption(db.Model):
    """One proposed time (stored in UTC, shown in WITA)."""

    __tablename__ = "time_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    time_poll_id: Mapped[int] = mapped_column(
        ForeignKey("time_poll.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("time_poll_id", "starts_at"),)


class TimeMark(db.Model):
    """That ``user`` can attend at ``option`` ("bisa"); one per person per time."""

    __tablename__ = "time_mark"

    option_id: Mapped[int] = mapped_column(
        ForeignKey("time_option.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )
