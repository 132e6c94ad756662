"""notification switches are rows, so a domain registers a switch without a column

Revision ID: e3a7c5b91d42
Revises: c4d9a1e7f2b3
Create Date: 2026-12-03 13:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3a7c5b91d42'
down_revision = 'c4d9a1e7f2b3'
branch_labels = None
depends_on = None

# The six switches that were columns of notification_pref; each becomes a row name.
SWITCHES = ('wants_reminders', 'wants_changes', 'wants_waitlist', 'wants_announcements',
            'wants_messages', 'wants_arisan')
QUIET_START_DEFAULT, QUIET_END_DEFAULT = 21 * 60, 5 * 60

pref = sa.table(
    'notification_pref',
    sa.column('user_id', sa.Integer()),
    sa.column('quiet_start_minute', sa.Integer()),
    sa.column('quiet_end_minute', sa.Integer()),
    *(sa.column(name, sa.Boolean()) for name in SWITCHES),
)
switch = sa.table(
    'notification_switch',
    sa.column('user_id', sa.Integer()),
    sa.column('name', sa.String(40)),
    sa.column('is_on', sa.Boolean()),
)


def upgrade():
    op.create_table('notification_switch',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('is_on', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_switch_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'name', name=op.f('pk_notification_switch'))
    )
    # Every switch a resident turned off becomes a row; one left on (the default of all
    # six) needs none: no row means the switch's registered default.
    for name in SWITCHES:
        op.execute(
            switch.insert().from_select(
                ['user_id', 'name', 'is_on'],
                sa.select(pref.c.user_id, sa.literal(name, sa.String(40)), sa.false()).where(
                    sa.not_(pref.c[name])
                ),
            )
        )
    with op.batch_alter_table('notification_pref', schema=None) as batch_op:
        for name in SWITCHES:
            batch_op.drop_column(name)


def downgrade():
    # The six columns come back where they were (before the quiet hours: the quiet hours
    # are set aside, dropped and added again after them, as ADD COLUMN appends) and take
    # what the rows say; a switch without a row is on, as for everyone who never saved the
    # page. Rows of switches registered since (a newer domain's) have no column to go to
    # and are dropped with the table.
    # A resident who set switches but never the quiet hours has no notification_pref row.
    op.execute(
        pref.insert().from_select(
            ['user_id', 'quiet_start_minute', 'quiet_end_minute'],
            sa.select(
                switch.c.user_id,
                sa.literal(QUIET_START_DEFAULT, sa.Integer()),
                sa.literal(QUIET_END_DEFAULT, sa.Integer()),
            )
            .where(switch.c.name.in_(SWITCHES))
            .where(~sa.exists().where(pref.c.user_id == switch.c.user_id))
            .distinct(),
        )
    )
    op.create_table('_notification_quiet',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('quiet_start_minute', sa.Integer(), nullable=False),
    sa.Column('quiet_end_minute', sa.Integer(), nullable=False),
    )
    quiet = sa.table(
        '_notification_quiet',
        sa.column('user_id', sa.Integer()),
        sa.column('quiet_start_minute', sa.Integer()),
        sa.column('quiet_end_minute', sa.Integer()),
    )
    op.execute(
        quiet.insert().from_select(
            ['user_id', 'quiet_start_minute', 'quiet_end_minute'],
            sa.select(pref.c.user_id, pref.c.quiet_start_minute, pref.c.quiet_end_minute),
        )
    )
    with op.batch_alter_table('notification_pref', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_pref_quiet_start_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_notification_pref_quiet_end_range'), type_='check')
        batch_op.drop_column('quiet_start_minute')
        batch_op.drop_column('quiet_end_minute')
    with op.batch_alter_table('notification_pref', schema=None) as batch_op:
        for name in SWITCHES:
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('quiet_start_minute', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('quiet_end_minute', sa.Integer(), nullable=True))
    kept = {
        column: sa.select(quiet.c[column]).where(quiet.c.user_id == pref.c.user_id).scalar_subquery()
        for column in ('quiet_start_minute', 'quiet_end_minute')
    }
    op.execute(pref.update().values(kept))
    for name in SWITCHES:
        chosen = (
            sa.select(switch.c.is_on)
            .where(switch.c.user_id == pref.c.user_id, switch.c.name == name)
            .scalar_subquery()
        )
        op.execute(
            pref.update()
            .where(sa.exists().where(switch.c.user_id == pref.c.user_id, switch.c.name == name))
            .values({name: chosen})
        )
    with op.batch_alter_table('notification_pref', schema=None) as batch_op:
        batch_op.alter_column('quiet_start_minute', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('quiet_end_minute', existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(
            op.f('ck_notification_pref_quiet_start_range'), 'quiet_start_minute BETWEEN 0 AND 1439'
        )
        batch_op.create_check_constraint(
            op.f('ck_notification_pref_quiet_end_range'), 'quiet_end_minute BETWEEN 0 AND 1439'
        )
    op.drop_table('_notification_quiet')
    op.drop_table('notification_switch')
