"""column sort choices

Revision ID: f3a9c1d7e2b4
Revises: b7e4a2c9d315
Create Date: 2026-11-30 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3a9c1d7e2b4'
down_revision = 'b7e4a2c9d315'
branch_labels = None
depends_on = None

BOARD_COLUMNS = ('not_started', 'reading', 'finished')


def upgrade():
    # How each reader sorts each board column ("title:asc"); NULL is manual order, so existing
    # readers keep the board they know.
    with op.batch_alter_table('users', schema=None) as batch_op:
        for column in BOARD_COLUMNS:
            batch_op.add_column(sa.Column(f'sort_{column}', sa.String(length=24), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        for column in reversed(BOARD_COLUMNS):
            batch_op.drop_column(f'sort_{column}')
