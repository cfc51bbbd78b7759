"""recent book changes

Revision ID: c8d2e4f6a1b3
Revises: a7c3e91f2b64
Create Date: 2026-11-30 16:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c8d2e4f6a1b3'
down_revision = 'a7c3e91f2b64'
branch_labels = None
depends_on = None


def upgrade():
    # Which books the last few changes to a reader's books touched (users/recent_book_changes.py).
    # Existing readers start with none noted: a kept copy of their library is read again once.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recent_book_changes', sa.String(length=1024), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('recent_book_changes')
