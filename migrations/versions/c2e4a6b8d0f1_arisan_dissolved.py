"""arisan: a group dissolved before its cycle ends (bubarkan), a fixed order instead of a draw (#15)

Revision ID: c2e4a6b8d0f1
Revises: d1f3b5a7c9e2
Create Date: 2026-12-04 14:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c2e4a6b8d0f1'
down_revision = 'd1f3b5a7c9e2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('arisan_group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dissolved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('dissolved_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_arisan_group_dissolved_by_id_user_account'), 'user_account', ['dissolved_by_id'], ['id'], ondelete='SET NULL')
        batch_op.add_column(sa.Column('fixed_order', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('arisan_draw', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_arisan_draw_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_arisan_draw_kind_known'), "kind IN ('kocok', 'batal', 'urut')")


def downgrade():
    # A turn given by the fixed order is not a draw the old schema knows: those rows go.
    op.execute("DELETE FROM arisan_draw WHERE kind = 'urut'")
    with op.batch_alter_table('arisan_draw', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_arisan_draw_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_arisan_draw_kind_known'), "kind IN ('kocok', 'batal')")

    with op.batch_alter_table('arisan_group', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_arisan_group_dissolved_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('fixed_order')
        batch_op.drop_column('dissolved_by_id')
        batch_op.drop_column('dissolved_at')
