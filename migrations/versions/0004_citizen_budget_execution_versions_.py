"""citizen budget: execution, versions, feedback

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 09:59:52.962040

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('citizen_budget_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('texts_json', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_citizen_budget_text_council_id_council'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citizen_budget_text')),
    sa.UniqueConstraint('council_id', 'fiscal_year', name=op.f('uq_citizen_budget_text_council_id_fiscal_year'))
    )
    with op.batch_alter_table('citizen_budget_text', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citizen_budget_text_council_id'), ['council_id'], unique=False)

    op.create_table('citizen_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('moderated_at', sa.DateTime(), nullable=True),
    sa.Column('moderated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_citizen_feedback_council_id_council'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['moderated_by_id'], ['user_account.id'], name=op.f('fk_citizen_feedback_moderated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citizen_feedback'))
    )
    with op.batch_alter_table('citizen_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citizen_feedback_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citizen_feedback_status'), ['status'], unique=False)

    op.create_table('citizen_budget_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=True),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('snapshot_json', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=250), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_citizen_budget_version_council_id_council'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cycle_id'], ['budget_cycle.id'], name=op.f('fk_citizen_budget_version_cycle_id_budget_cycle'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'], name=op.f('fk_citizen_budget_version_published_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citizen_budget_version')),
    sa.UniqueConstraint('council_id', 'fiscal_year', 'number', name=op.f('uq_citizen_budget_version_council_id_fiscal_year_number'))
    )
    with op.batch_alter_table('citizen_budget_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citizen_budget_version_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citizen_budget_version_fiscal_year'), ['fiscal_year'], unique=False)

    op.create_table('allocation_progress',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('progress_pct', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('progress_pct BETWEEN 0 AND 100', name=op.f('ck_allocation_progress_pct')),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_allocation_progress_council_id_council'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['allocation_proposal.id'], name=op.f('fk_allocation_progress_proposal_id_allocation_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', name=op.f('pk_allocation_progress'))
    )
    with op.batch_alter_table('allocation_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocation_progress_council_id'), ['council_id'], unique=False)

    op.create_table('execution_milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('title_ar', sa.String(length=250), nullable=False),
    sa.Column('title_en', sa.String(length=250), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_execution_milestone_council_id_council'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['allocation_proposal.id'], name=op.f('fk_execution_milestone_proposal_id_allocation_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_execution_milestone'))
    )
    with op.batch_alter_table('execution_milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_execution_milestone_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_execution_milestone_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('spending_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('funding_source_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('over_allocation', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_spending_entry_amount_positive')),
    sa.CheckConstraint('quarter BETWEEN 1 AND 4', name=op.f('ck_spending_entry_quarter')),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_spending_entry_council_id_council'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_spending_entry_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cycle_id'], ['budget_cycle.id'], name=op.f('fk_spending_entry_cycle_id_budget_cycle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['funding_source_id'], ['funding_source.id'], name=op.f('fk_spending_entry_funding_source_id_funding_source')),
    sa.ForeignKeyConstraint(['proposal_id'], ['allocation_proposal.id'], name=op.f('fk_spending_entry_proposal_id_allocation_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spending_entry'))
    )
    with op.batch_alter_table('spending_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spending_entry_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spending_entry_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spending_entry_proposal_id'), ['proposal_id'], unique=False)



def downgrade():
    with op.batch_alter_table('spending_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spending_entry_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_spending_entry_cycle_id'))
        batch_op.drop_index(batch_op.f('ix_spending_entry_council_id'))
    op.drop_table('spending_entry')
    with op.batch_alter_table('execution_milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_execution_milestone_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_execution_milestone_council_id'))
    op.drop_table('execution_milestone')
    with op.batch_alter_table('allocation_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocation_progress_council_id'))
    op.drop_table('allocation_progress')
    with op.batch_alter_table('citizen_budget_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizen_budget_version_fiscal_year'))
        batch_op.drop_index(batch_op.f('ix_citizen_budget_version_council_id'))
    op.drop_table('citizen_budget_version')
    with op.batch_alter_table('citizen_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizen_feedback_status'))
        batch_op.drop_index(batch_op.f('ix_citizen_feedback_council_id'))
    op.drop_table('citizen_feedback')
    with op.batch_alter_table('citizen_budget_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizen_budget_text_council_id'))
    op.drop_table('citizen_budget_text')
