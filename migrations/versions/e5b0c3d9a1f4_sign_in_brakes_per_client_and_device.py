"""sign-in brakes per client and device, not per account

Revision ID: e5b0c3d9a1f4
Revises: d2f81c6a40e7
Create Date: 2026-11-30 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b0c3d9a1f4'
down_revision = 'd2f81c6a40e7'
branch_labels = None
depends_on = None


def upgrade():
    # Failed sign-ins counted per (username, client), (username, device cookie) and username alone,
    # for usernames with and without an account (bookapp/users/brakes.py). Running locks of the old
    # per-account brake are not carried over: they were what let anyone lock an owner out.
    op.create_table(
        'sign_in_brakes',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('counting_since', sa.DateTime(), nullable=False),
        sa.Column('locked_until', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('key'),
    )
    with op.batch_alter_table('sign_in_brakes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_brakes_counting_since'), ['counting_since'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('sign_in_locked_until')
        batch_op.drop_column('failed_sign_ins')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_sign_ins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('sign_in_locked_until', sa.DateTime(), nullable=True))
    with op.batch_alter_table('sign_in_brakes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_brakes_counting_since'))
    op.drop_table('sign_in_brakes')
