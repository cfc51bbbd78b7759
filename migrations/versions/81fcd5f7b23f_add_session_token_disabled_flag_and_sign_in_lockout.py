"""add session token, disabled flag and sign-in lockout

Revision ID: 81fcd5f7b23f
Revises: 593ff2ebd552
Create Date: 2026-11-27 03:05:24.307507

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '81fcd5f7b23f'
down_revision = '593ff2ebd552'
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts get defaults: enabled, no failures, and a fresh random session token each
    # (which also signs out every session made before the upgrade).
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('is_disabled', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('failed_sign_ins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('sign_in_locked_until', sa.DateTime(), nullable=True))

    users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(
            users.update().where(users.c.id == user_id).values(session_token=secrets.token_urlsafe(32))
        )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(batch_op.f('ix_users_session_token'), ['session_token'], unique=True)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_session_token'))
        batch_op.drop_column('sign_in_locked_until')
        batch_op.drop_column('failed_sign_ins')
        batch_op.drop_column('is_disabled')
        batch_op.drop_column('session_token')
