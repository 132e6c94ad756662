"""arisan: the fixed order agreed in advance (#15)

Revision ID: f3b5d7f9a1c3
Revises: e2a4c6e8f0b1
Create Date: 2026-12-04 14:49:19.533519

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3b5d7f9a1c3'
down_revision = 'e2a4c6e8f0b1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('arisan_slot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('turn_order', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('arisan_slot', schema=None) as batch_op:
        batch_op.drop_column('turn_order')

