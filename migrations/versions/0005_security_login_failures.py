"""login failures counted in the database (shared by every worker and server)

Revision ID: 0005_security_login_failures
Revises: 0005_approval_member_gender
Create Date: 2026-12-01 10:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005_security_login_failures'
down_revision = '0005_approval_member_gender'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure'))
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failure_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failure_key'), ['key'], unique=False)


def downgrade():
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failure_key'))
        batch_op.drop_index(batch_op.f('ix_login_failure_created_at'))
    op.drop_table('login_failure')
