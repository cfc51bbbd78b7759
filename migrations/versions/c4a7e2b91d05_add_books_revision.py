"""add books revision and books changed at

Revision ID: c4a7e2b91d05
Revises: 81fcd5f7b23f
Create Date: 2026-11-27 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a7e2b91d05'
down_revision = '81fcd5f7b23f'
branch_labels = None
depends_on = None


def upgrade():
    # Counted up by every change to a reader's books: the key of their cached board page
    # (bookapp/page_cache.py). Existing readers start at 0 with no change time.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('books_revision', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('books_changed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('books_changed_at')
        batch_op.drop_column('books_revision')
