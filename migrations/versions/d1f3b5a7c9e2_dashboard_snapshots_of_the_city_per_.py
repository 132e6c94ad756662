"""dashboard snapshots of the city per preset period (#17)

Revision ID: d1f3b5a7c9e2
Revises: b8d2f4a6c0e1
Create Date: 2026-12-04 13:44:45.436762

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1f3b5a7c9e2'
down_revision = 'b8d2f4a6c0e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dashboard_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('preset', sa.String(length=10), nullable=False),
    sa.Column('first', sa.Date(), nullable=False),
    sa.Column('last', sa.Date(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seconds', sa.Double(), nullable=False),
    sa.Column('grain', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dashboard_snapshot')),
    sa.UniqueConstraint('preset', name=op.f('uq_dashboard_snapshot_preset'))
    )


def downgrade():
    op.drop_table('dashboard_snapshot')
