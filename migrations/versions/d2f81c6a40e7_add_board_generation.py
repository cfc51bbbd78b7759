"""add board generation

Revision ID: d2f81c6a40e7
Revises: c4a7e2b91d05
Create Date: 2026-11-30 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd2f81c6a40e7'
down_revision = 'c4a7e2b91d05'
branch_labels = None
depends_on = None


def upgrade():
    # Counted up by `flask recount-books`: part of the key of every kept card of the reader
    # (blueprints/books/board_cache.py). Existing readers start at 0.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('board_generation', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('board_generation')
