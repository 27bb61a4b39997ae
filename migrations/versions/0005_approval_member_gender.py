"""membership: gender of the member (for women/men totals at meetings)

Revision ID: 0005_approval_member_gender
Revises: 0005_approval_electorate
Create Date: 2026-12-01 09:40:00

Existing memberships get "" (not recorded); the coordinator records it on the members page.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_approval_member_gender'
down_revision = '0005_approval_electorate'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gender', sa.String(length=10), nullable=False, server_default=''))
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.alter_column('gender', server_default=None)


def downgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_column('gender')
