"""add audit_entries (the admins' audit log) and invitations (single-use sign-up links)

Revision ID: b5d2e8f41c07
Revises: c8d2e4f6a1b3
Create Date: 2026-11-30 16:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5d2e8f41c07'
down_revision = 'c8d2e4f6a1b3'
branch_labels = None
depends_on = None


def upgrade():
    # No foreign keys to users: an entry outlives the accounts it names (their names are kept as text).
    op.create_table(
        'audit_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_name', sa.String(length=64), nullable=True),
        sa.Column('target_id', sa.Integer(), nullable=True),
        sa.Column('target_name', sa.String(length=64), nullable=True),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('detail', sa.String(length=200), nullable=False),
        sa.Column('client', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_actor_name'), ['actor_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_target_name'), ['target_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_action'), ['action'], unique=False)

    # Only a SHA-256 of each link's secret is stored (bookapp/users/invitations.py, docs/security.md).
    op.create_table(
        'invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('as_admin', sa.Boolean(), nullable=False),
        sa.Column('note', sa.String(length=100), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_by_name', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.Column('used_by_id', sa.Integer(), nullable=True),
        sa.Column('used_by_name', sa.String(length=64), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('form_id', sa.String(length=26), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('form_id'),
        sa.UniqueConstraint('secret_hash'),
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_expires_at'), ['expires_at'], unique=False)


def downgrade():
    op.drop_table('invitations')
    op.drop_table('audit_entries')
