"""import jobs and their rows

Revision ID: a7c3e1f09b24
Revises: f3a9c1d7e2b4
Create Date: 2026-11-30 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql


# revision identifiers, used by Alembic.
revision = 'a7c3e1f09b24'
down_revision = 'f3a9c1d7e2b4'
branch_labels = None
depends_on = None


def upgrade():
    # An uploaded Goodreads or StoryGraph file, the reader's choices and how far its import got
    # (bookapp/imports/models.py): any worker can run its next chunk, and it survives a restart.
    op.create_table(
        'import_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('choices', sa.Text(), nullable=False),
        sa.Column('total_rows', sa.Integer(), nullable=False),
        sa.Column('cursor_line', sa.Integer(), nullable=False),
        sa.Column('done_rows', sa.Integer(), nullable=False),
        sa.Column('created', sa.Integer(), nullable=False),
        sa.Column('updated', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('skipped', sa.Integer(), nullable=False),
        sa.Column('failed', sa.Integer(), nullable=False),
        sa.Column('lease_until', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_jobs_user_id'), ['user_id'], unique=False)
    # One row per row of the file, its cells as JSON (MEDIUMTEXT in MySQL: a long review in
    # four-byte characters passes TEXT's 64 KB), and what became of it: the repair list.
    op.create_table(
        'import_rows',
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('line', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('cells', sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql', 'mariadb'), nullable=False),
        sa.Column('unreadable', sa.Boolean(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('book_id', sa.String(length=26), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['job_id'], ['import_jobs.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('job_id', 'line'),
    )


def downgrade():
    # The table's index goes with it: MySQL refuses to drop an index a foreign key needs first.
    op.drop_table('import_rows')
    op.drop_table('import_jobs')
