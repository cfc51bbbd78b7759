"""add reading goals: a reader's yearly goal of books and pages

Revision ID: b7e4a2c9d315
Revises: e5b0c3d9a1f4
Create Date: 2026-11-30 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e4a2c9d315'
down_revision = 'e5b0c3d9a1f4'
branch_labels = None
depends_on = None


def upgrade():
    # One row per reader and year they set a goal for; past years' rows stay (the stats archive).
    op.create_table(
        'reading_goals',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('books', sa.Integer(), nullable=False),
        sa.Column('pages', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'year'),
    )


def downgrade():
    op.drop_table('reading_goals')
