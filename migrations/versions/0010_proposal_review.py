"""feasibility review of allocation proposals before voting (issue 15 §3)

Revision ID: 0010_proposal_review
Revises: 0009_notifications
Create Date: 2026-12-01 15:00:00

Cycles whose voting opened before reviews existed have no review rows: their proposals all stay
on the ballot and their published fingerprint is unchanged (a proposal's review enters the
fingerprint only when it has one).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_proposal_review'
down_revision = '0009_notifications'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('proposal_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.Column('original_cost_minor', sa.BigInteger(), nullable=False),
    sa.Column('revised_cost_minor', sa.BigInteger(), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['budget_cycle.id'], name=op.f('fk_proposal_review_cycle_id_budget_cycle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['allocation_proposal.id'], name=op.f('fk_proposal_review_proposal_id_allocation_proposal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user_account.id'], name=op.f('fk_proposal_review_reviewer_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_review')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_proposal_review_proposal_id'))
    )
    with op.batch_alter_table('proposal_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_review_cycle_id'), ['cycle_id'], unique=False)


def downgrade():
    with op.batch_alter_table('proposal_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_review_cycle_id'))
    op.drop_table('proposal_review')
