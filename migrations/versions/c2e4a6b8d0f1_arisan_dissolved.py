"""arisan: a group dissolved before its cycle ends (bubarkan, #15)

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


def downgrade():
    with op.batch_alter_table('arisan_group', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_arisan_group_dissolved_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('dissolved_by_id')
        batch_op.drop_column('dissolved_at')
