"""budget simulator: lines from the council's shortlisted priorities, each with an estimated cost

Revision ID: 0013_simulator_priority_lines
Revises: 0012_interest_declarations
Create Date: 2026-12-01 19:00:00

Existing simulations are of sectors (the only kind there was). The simulation table is never
rebuilt (SQLite's batch mode copies, drops and renames a table, and dropping it would cascade to
its lines and submissions): its new column is added and dropped in place (SQLite 3.35+).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_simulator_priority_lines'
down_revision = '0012_interest_declarations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('budget_simulation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('line_source', sa.String(length=12), server_default='sectors', nullable=False))
    with op.batch_alter_table('budget_simulation_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('estimated_cost_minor', sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_budget_simulation_line_priority_id_priority'), 'priority',
                                    ['priority_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('budget_simulation_line', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_budget_simulation_line_priority_id_priority'), type_='foreignkey')
        batch_op.drop_column('estimated_cost_minor')
        batch_op.drop_column('priority_id')
    op.drop_column('budget_simulation', 'line_source')
