"""arisan: transfer receipts, "sudah transfer" reports, the receipt of a ledger entry (#15)

Revision ID: a9c1e3f5b7d2
Revises: e5a7c9b1d3f4
Create Date: 2026-12-04 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a9c1e3f5b7d2'
down_revision = 'e5a7c9b1d3f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('arisan_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('photo_name', sa.String(length=64), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['arisan_group.id'], name=op.f('fk_arisan_receipt_group_id_arisan_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['arisan_slot.id'], name=op.f('fk_arisan_receipt_slot_id_arisan_slot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_arisan_receipt_uploaded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arisan_receipt'))
    )
    with op.batch_alter_table('arisan_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arisan_receipt_slot_id'), ['slot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_arisan_receipt_uploaded_by_id'), ['uploaded_by_id'], unique=False)

    with op.batch_alter_table('arisan_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_arisan_entry_receipt_id_arisan_receipt'), 'arisan_receipt', ['receipt_id'], ['id'], ondelete='SET NULL')

    op.create_table('arisan_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('receipt_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('pending_key', sa.String(length=40), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("method IN ('transfer', 'qris')", name=op.f('ck_arisan_report_method_known')),
    sa.CheckConstraint("status IN ('menunggu', 'disetujui', 'ditolak')", name=op.f('ck_arisan_report_status_known')),
    sa.CheckConstraint("(status = 'menunggu') = (pending_key IS NOT NULL)", name=op.f('ck_arisan_report_pending_key_while_waiting')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_arisan_report_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['arisan_entry.id'], name=op.f('fk_arisan_report_entry_id_arisan_entry'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['arisan_group.id'], name=op.f('fk_arisan_report_group_id_arisan_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['receipt_id'], ['arisan_receipt.id'], name=op.f('fk_arisan_report_receipt_id_arisan_receipt'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['user_account.id'], name=op.f('fk_arisan_report_reported_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['arisan_round.id'], name=op.f('fk_arisan_report_round_id_arisan_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['arisan_slot.id'], name=op.f('fk_arisan_report_slot_id_arisan_slot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_arisan_report')),
    sa.UniqueConstraint('pending_key', name=op.f('uq_arisan_report_pending_key'))
    )
    with op.batch_alter_table('arisan_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_arisan_report_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_arisan_report_reported_by_id'), ['reported_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('arisan_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arisan_report_reported_by_id'))
        batch_op.drop_index(batch_op.f('ix_arisan_report_round_id'))

    op.drop_table('arisan_report')
    with op.batch_alter_table('arisan_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_arisan_entry_receipt_id_arisan_receipt'), type_='foreignkey')
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('arisan_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_arisan_receipt_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_arisan_receipt_slot_id'))

    op.drop_table('arisan_receipt')
