"""moderation: reports, mutes, the moderation log; hide reasons on messages and comments (#13)

Revision ID: b7d2e4f6a8c1
Revises: a9c3e5f7b2d4
Create Date: 2026-12-03 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e4f6a8c1'
down_revision = 'a9c3e5f7b2d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('moderation_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('wilayah_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(message_id IS NULL) <> (comment_id IS NULL)', name=op.f('ck_moderation_report_one_item')),
    sa.CheckConstraint("is_open IS NULL OR status = 'open'", name=op.f('ck_moderation_report_open_marker')),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_moderation_report_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['comment_id'], ['activity_comment.id'], name=op.f('fk_moderation_report_comment_id_activity_comment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_moderation_report_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_moderation_report_message_id_message'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['user_account.id'], name=op.f('fk_moderation_report_reporter_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['wilayah_id'], ['wilayah.id'], name=op.f('fk_moderation_report_wilayah_id_wilayah'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_report')),
    sa.UniqueConstraint('reporter_id', 'comment_id', 'is_open', name='uq_report_open_comment'),
    sa.UniqueConstraint('reporter_id', 'message_id', 'is_open', name='uq_report_open_message')
    )
    with op.batch_alter_table('moderation_report', schema=None) as batch_op:
        batch_op.create_index('ix_moderation_report_comment_id', ['comment_id'], unique=False)
        batch_op.create_index('ix_moderation_report_message_id', ['message_id'], unique=False)
        batch_op.create_index('ix_moderation_report_status_wilayah_id', ['status', 'wilayah_id'], unique=False)

    op.create_table('moderation_mute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('wilayah_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('muted_by_id', sa.Integer(), nullable=True),
    sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_moderation_mute_ends_after_start')),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['user_account.id'], name=op.f('fk_moderation_mute_lifted_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['muted_by_id'], ['user_account.id'], name=op.f('fk_moderation_mute_muted_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_moderation_mute_user_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wilayah_id'], ['wilayah.id'], name=op.f('fk_moderation_mute_wilayah_id_wilayah'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_mute'))
    )
    with op.batch_alter_table('moderation_mute', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_mute_user_id'), ['user_id'], unique=False)

    op.create_table('moderation_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('wilayah_id', sa.Integer(), nullable=False),
    sa.Column('target_user_id', sa.Integer(), nullable=True),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('item_kind', sa.String(length=10), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_moderation_log_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['moderation_report.id'], name=op.f('fk_moderation_log_report_id_moderation_report'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['target_user_id'], ['user_account.id'], name=op.f('fk_moderation_log_target_user_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['wilayah_id'], ['wilayah.id'], name=op.f('fk_moderation_log_wilayah_id_wilayah'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_log'))
    )
    with op.batch_alter_table('moderation_log', schema=None) as batch_op:
        batch_op.create_index('ix_moderation_log_wilayah_id_at', ['wilayah_id', 'at'], unique=False)

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_reason', sa.String(length=300), nullable=True))

    with op.batch_alter_table('activity_comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_reason', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('activity_comment', schema=None) as batch_op:
        batch_op.drop_column('hidden_reason')

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('hidden_reason')
        batch_op.drop_column('hidden_at')

    with op.batch_alter_table('moderation_log', schema=None) as batch_op:
        batch_op.drop_index('ix_moderation_log_wilayah_id_at')

    op.drop_table('moderation_log')
    with op.batch_alter_table('moderation_mute', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_mute_user_id'))

    op.drop_table('moderation_mute')
    with op.batch_alter_table('moderation_report', schema=None) as batch_op:
        batch_op.drop_index('ix_moderation_report_status_wilayah_id')
        batch_op.drop_index('ix_moderation_report_message_id')
        batch_op.drop_index('ix_moderation_report_comment_id')

    op.drop_table('moderation_report')
