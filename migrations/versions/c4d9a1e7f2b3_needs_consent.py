"""needs are kept only with the person's recorded consent

Revision ID: c4d9a1e7f2b3
Revises: b7e2c41d9a05
Create Date: 2026-12-03 09:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d9a1e7f2b3'
down_revision = 'b7e2c41d9a05'
branch_labels = None
depends_on = None

NEEDS = "needs_wheelchair OR needs_lift OR needs_hearing OR needs_vision"


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('needs_consent_at', sa.DateTime(timezone=True), nullable=True))
    # Needs ticked before this revision were ticked under "only you and your RT's pengurus
    # see this": that informed act is taken as consent, dated now, and can be withdrawn on
    # the profile. Nothing a resident told the RT is lost by upgrading.
    user_account = sa.table(
        'user_account',
        sa.column('needs_consent_at', sa.DateTime(timezone=True)),
        sa.column('needs_wheelchair', sa.Boolean()),
        sa.column('needs_lift', sa.Boolean()),
        sa.column('needs_hearing', sa.Boolean()),
        sa.column('needs_vision', sa.Boolean()),
    )
    c = user_account.c
    op.execute(
        user_account.update()
        .where(sa.or_(c.needs_wheelchair, c.needs_lift, c.needs_hearing, c.needs_vision))
        .values(needs_consent_at=sa.func.current_timestamp())
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_user_account_needs_only_with_consent'), f'needs_consent_at IS NOT NULL OR NOT ({NEEDS})'
        )


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_account_needs_only_with_consent'), type_='check')
        batch_op.drop_column('needs_consent_at')
