"""arisan: groups, members and slots, rounds, the append-only ledger and draw log (#15)

Revision ID: d4f6b8a0c2e3
Revises: b7d2e4f6a8c1
Create Date: 2026-12-03 18:13:48.209805

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4f6b8a0c2e3'
down_revision = 'b7d2e4f6a8c1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('arisan_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wilayah_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('contribution_idr', sa.Integer(), nullable=False),
    sa.Column('kas_idr', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('first_meeting_on', sa.Date(), nullable=False),
    sa.Column('meeting_time', sa.Time(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('winners_per_draw', sa.Integer(), nullable=False),
    sa.Column('include_unpaid', sa.Boolean(), nullable=False),
    sa.Column('cycle', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("period IN ('mingguan', 'dua_mingguan', 'bulanan')", name=op.f('ck_arisan_group_period_known')),
    sa.CheckConstraint('contribution_idr BETWEEN 10000 AND 5000000', name=op.f('ck_arisan_group_contribution_within_limits')),
    sa.CheckConstraint('cycle >= 1', name=op.f('ck_arisan_group_cycle_positive')),
    sa.CheckConstraint('kas_idr BETWEEN 0 AND 5000000', name=op.f('ck_arisan_group_kas_within_limits')),
    sa.CheckConstraint('winners_per_draw IN (1, 2)', name=op.f('ck_arisan_group_one_or_two_winners')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_arisan_group_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['wilayah_id'], ['wilayah.id'], name=op.f('fk_arisan_group_wilayah_id_wilayah'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arisan_group'))
    )
    with op.batch_alter_table('arisan_group', schema=None) as batch_op:
        batch_op.create_index('ix_arisan_group_wilayah_id', ['wilayah_id'], unique=False)

    op.create_table('arisan_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=80), nullable=True),
    sa.Column('is_pengelola', sa.Boolean(), nullable=False),
    sa.Column('is_bendahara', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['arisan_group.id'], name=op.f('fk_arisan_member_group_id_arisan_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_arisan_member_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arisan_member')),
    sa.UniqueConstraint('group_id', 'user_id', name=op.f('uq_arisan_member_group_id_user_id'))
    )
    with op.batch_alter_table('arisan_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arisan_member_user_id'), ['user_id'], unique=False)

    op.create_table('arisan_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('cycle', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('host_member_id', sa.Integer(), nullable=True),
    sa.Column('seed_hex', sa.String(length=64), nullable=False),
    sa.Column('commitment', sa.String(length=64), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('attempt >= 1', name=op.f('ck_arisan_round_attempt_positive')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_arisan_round_number_positive')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_arisan_round_activity_id_activity'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['arisan_group.id'], name=op.f('fk_arisan_round_group_id_arisan_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['host_member_id'], ['arisan_member.id'], name=op.f('fk_arisan_round_host_member_id_arisan_member'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arisan_round')),
    sa.UniqueConstraint('group_id', 'number', name=op.f('uq_arisan_round_group_id_number'))
    )
    op.create_table('arisan_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('position IN (1, 2)', name=op.f('ck_arisan_slot_one_or_two_per_member')),
    sa.ForeignKeyConstraint(['group_id'], ['arisan_group.id'], name=op.f('fk_arisan_slot_group_id_arisan_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['arisan_member.id'], name=op.f('fk_arisan_slot_member_id_arisan_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arisan_slot')),
    sa.UniqueConstraint('member_id', 'position', name=op.f('uq_arisan_slot_member_id_position'))
    )
    with op.batch_alter_table('arisan_slot', schema=None) as batch_op:
        batch_op.create_index('ix_arisan_slot_group_id', ['group_id'], unique=False)

    op.create_table('arisan_draw',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('seed_hex', sa.String(length=64), nullable=False),
    sa.Column('commitment', sa.String(length=64), nullable=False),
    sa.Column('eligible', sa.String(length=1000), nullable=False),
    sa.Column('winners', sa.String(length=40), nullable=False),
    sa.Column('winners_per_draw', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('next_commitment', sa.String(length=64), nullable=True),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('kocok', 'batal')", name=op.f('ck_arisan_draw_kind_known')),
    sa.ForeignKeyConstraint(['by_id'], ['user_account.id'], name=op.f('fk_arisan_draw_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['arisan_round.id'], name=op.f('fk_arisan_draw_round_id_arisan_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arisan_draw')),
    sa.UniqueConstraint('round_id', 'attempt', 'kind', name=op.f('uq_arisan_draw_round_id_attempt_kind'))
    )
    op.create_table('arisan_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('slot_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('amount_idr', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.CheckConstraint("(kind = 'koreksi' AND reverses_id IS NOT NULL AND amount_idr < 0) OR (kind <> 'koreksi' AND reverses_id IS NULL AND amount_idr > 0)", name=op.f('ck_arisan_entry_koreksi_reverses')),
    sa.CheckConstraint("kind IN ('iuran', 'koreksi', 'pembayaran_pot', 'kas', 'denda')", name=op.f('ck_arisan_entry_kind_known')),
    sa.CheckConstraint("method IS NULL OR method IN ('tunai', 'transfer', 'qris')", name=op.f('ck_arisan_entry_method_known')),
    sa.ForeignKeyConstraint(['group_id'], ['arisan_group.id'], name=op.f('fk_arisan_entry_group_id_arisan_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_arisan_entry_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reverses_id'], ['arisan_entry.id'], name=op.f('fk_arisan_entry_reverses_id_arisan_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['arisan_round.id'], name=op.f('fk_arisan_entry_round_id_arisan_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['arisan_slot.id'], name=op.f('fk_arisan_entry_slot_id_arisan_slot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arisan_entry')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_arisan_entry_reverses_id'))
    )
    with op.batch_alter_table('arisan_entry', schema=None) as batch_op:
        batch_op.create_index('ix_arisan_entry_group_id_id', ['group_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_arisan_entry_round_id'), ['round_id'], unique=False)



def downgrade():
    with op.batch_alter_table('arisan_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arisan_entry_round_id'))
        batch_op.drop_index('ix_arisan_entry_group_id_id')

    op.drop_table('arisan_entry')
    op.drop_table('arisan_draw')
    with op.batch_alter_table('arisan_slot', schema=None) as batch_op:
        batch_op.drop_index('ix_arisan_slot_group_id')

    op.drop_table('arisan_slot')
    op.drop_table('arisan_round')
    with op.batch_alter_table('arisan_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arisan_member_user_id'))

    op.drop_table('arisan_member')
    with op.batch_alter_table('arisan_group', schema=None) as batch_op:
        batch_op.drop_index('ix_arisan_group_wilayah_id')

    op.drop_table('arisan_group')
