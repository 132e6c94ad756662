"""musyawarah: ranked paper ballots, entered order by order (#16)

Revision ID: a4c6e8f0b2d3
Revises: f3b5d7f9a1c3
Create Date: 2026-12-04 17:05:06.257062

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4c6e8f0b2d3'
down_revision = 'f3b5d7f9a1c3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('paper_tally_rank',
    sa.Column('tally_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('place BETWEEN 1 AND 12', name=op.f('ck_paper_tally_rank_place_range')),
    sa.ForeignKeyConstraint(['option_id'], ['poll_option.id'], name=op.f('fk_paper_tally_rank_option_id_poll_option'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tally_id'], ['paper_tally.id'], name=op.f('fk_paper_tally_rank_tally_id_paper_tally'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tally_id', 'place', name=op.f('pk_paper_tally_rank')),
    sa.UniqueConstraint('tally_id', 'option_id', name=op.f('uq_paper_tally_rank_tally_id_option_id'))
    )
    with op.batch_alter_table('paper_tally_rank', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_tally_rank_option_id'), ['option_id'], unique=False)



def downgrade():
    with op.batch_alter_table('paper_tally_rank', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_tally_rank_option_id'))

    op.drop_table('paper_tally_rank')
