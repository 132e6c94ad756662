"""musyawarah: a paper batch entered by mistake is withdrawn, kept in the log (#16)

Revision ID: b5d7f9a1c3e4
Revises: a4c6e8f0b2d3
Create Date: 2026-12-04 18:04:45.344441

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5d7f9a1c3e4'
down_revision = 'a4c6e8f0b2d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('paper_tally', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_paper_tally_withdrawn_by_id'), ['withdrawn_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_paper_tally_withdrawn_by_id_user_account'), 'user_account', ['withdrawn_by_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('paper_tally', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_paper_tally_withdrawn_by_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_paper_tally_withdrawn_by_id'))
        batch_op.drop_column('withdrawn_by_id')
        batch_op.drop_column('withdrawn_at')

