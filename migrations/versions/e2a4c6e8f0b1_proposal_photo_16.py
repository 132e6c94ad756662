"""musyawarah: an optional photo of a proposal (#16)

Revision ID: e2a4c6e8f0b1
Revises: c2e4a6b8d0f1
Create Date: 2026-12-04 14:18:54.790303

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2a4c6e8f0b1'
down_revision = 'c2e4a6b8d0f1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photo_name', sa.String(length=64), nullable=True))



def downgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_column('photo_name')

