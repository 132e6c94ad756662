"""announcements (pengumuman) to a wilayah subtree and who has read them (#13)

Revision ID: 8e2f5a0b3c71
Revises: 7d1c4e9a2b60
Create Date: 2026-12-03 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8e2f5a0b3c71'
down_revision = '7d1c4e9a2b60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('announcement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wilayah_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('photo_name', sa.String(length=64), nullable=True),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('is_pinned', sa.Boolean(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(body) BETWEEN 1 AND 2000', name=op.f('ck_announcement_body_length')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_announcement_activity_id_activity'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_announcement_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['wilayah_id'], ['wilayah.id'], name=op.f('fk_announcement_wilayah_id_wilayah'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement'))
    )
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.create_index('ix_announcement_wilayah_id_created_at', ['wilayah_id', 'created_at'], unique=False)

    op.create_table('announcement_read',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcement.id'], name=op.f('fk_announcement_read_announcement_id_announcement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_announcement_read_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement_read')),
    sa.UniqueConstraint('announcement_id', 'user_id', name=op.f('uq_announcement_read_announcement_id_user_id'))
    )
    with op.batch_alter_table('announcement_read', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_read_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('announcement_read', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_read_user_id'))

    op.drop_table('announcement_read')
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.drop_index('ix_announcement_wilayah_id_created_at')

    op.drop_table('announcement')
