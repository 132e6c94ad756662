"""idempotent requests: an action replayed by a phone that lost its signal runs once (#18)

Revision ID: a9c3e5f7b2d4
Revises: 8e2f5a0b3c71
Create Date: 2026-12-03 15:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a9c3e5f7b2d4'
down_revision = '8e2f5a0b3c71'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idempotent_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=500), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_idempotent_request_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotent_request')),
    sa.UniqueConstraint('user_id', 'key', name='uq_idempotent_request_user_key')
    )
    with op.batch_alter_table('idempotent_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotent_request_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('idempotent_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotent_request_user_id'))

    op.drop_table('idempotent_request')
