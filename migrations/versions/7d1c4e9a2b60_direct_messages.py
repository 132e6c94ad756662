"""direct messages between neighbours: conversations, members, messages, blocks (#13)

Revision ID: 7d1c4e9a2b60
Revises: e3a7c5b91d42
Create Date: 2026-12-03 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d1c4e9a2b60'
down_revision = 'e3a7c5b91d42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('conversation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('low_user_id', sa.Integer(), nullable=True),
    sa.Column('high_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('low_user_id < high_user_id', name=op.f('ck_conversation_pair_in_order')),
    sa.ForeignKeyConstraint(['low_user_id'], ['user_account.id'], name=op.f('fk_conversation_low_user_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['high_user_id'], ['user_account.id'], name=op.f('fk_conversation_high_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation')),
    sa.UniqueConstraint('low_user_id', 'high_user_id', name=op.f('uq_conversation_low_user_id_high_user_id'))
    )
    op.create_table('conversation_member',
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('last_read_message_id', sa.Integer(), nullable=True),
    sa.Column('last_read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_private', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], name=op.f('fk_conversation_member_conversation_id_conversation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_conversation_member_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('conversation_id', 'user_id', name=op.f('pk_conversation_member'))
    )
    with op.batch_alter_table('conversation_member', schema=None) as batch_op:
        batch_op.create_index('ix_conversation_member_user_id', ['user_id'], unique=False)

    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('length(body) <= 2000', name=op.f('ck_message_body_at_most_2000')),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], name=op.f('fk_message_conversation_id_conversation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_id'], ['user_account.id'], name=op.f('fk_message_sender_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message'))
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index('ix_message_conversation_id_id', ['conversation_id', 'id'], unique=False)

    op.create_table('user_block',
    sa.Column('blocker_id', sa.Integer(), nullable=False),
    sa.Column('blocked_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('blocker_id <> blocked_id', name=op.f('ck_user_block_not_self')),
    sa.ForeignKeyConstraint(['blocker_id'], ['user_account.id'], name=op.f('fk_user_block_blocker_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['blocked_id'], ['user_account.id'], name=op.f('fk_user_block_blocked_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('blocker_id', 'blocked_id', name=op.f('pk_user_block'))
    )
    with op.batch_alter_table('user_block', schema=None) as batch_op:
        batch_op.create_index('ix_user_block_blocked_id', ['blocked_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_block', schema=None) as batch_op:
        batch_op.drop_index('ix_user_block_blocked_id')

    op.drop_table('user_block')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index('ix_message_conversation_id_id')

    op.drop_table('message')
    with op.batch_alter_table('conversation_member', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_member_user_id')

    op.drop_table('conversation_member')
    op.drop_table('conversation')
