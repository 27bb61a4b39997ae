"""budget simulator: simulations, their lines (sectors), citizens' anonymous submissions

Revision ID: 0006_budget_simulator
Revises: 0005_security_login_failures
Create Date: 2026-12-01 13:24:15.897791

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_budget_simulator'
down_revision = '0005_security_login_failures'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('budget_simulation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('title_ar', sa.String(length=250), nullable=False),
    sa.Column('title_en', sa.String(length=250), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('envelope_minor', sa.BigInteger(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('baseline_year', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_budget_simulation_council_id_council'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_budget_simulation_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_simulation')),
    sa.UniqueConstraint('council_id', 'fiscal_year', name=op.f('uq_budget_simulation_council_id_fiscal_year'))
    )
    with op.batch_alter_table('budget_simulation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_simulation_council_id'), ['council_id'], unique=False)

    op.create_table('budget_simulation_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('simulation_id', sa.Integer(), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('label_ar', sa.String(length=250), nullable=False),
    sa.Column('label_en', sa.String(length=250), nullable=False),
    sa.Column('baseline_minor', sa.BigInteger(), nullable=False),
    sa.Column('min_minor', sa.BigInteger(), nullable=True),
    sa.Column('max_minor', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['sector_id'], ['sector.id'], name=op.f('fk_budget_simulation_line_sector_id_sector')),
    sa.ForeignKeyConstraint(['simulation_id'], ['budget_simulation.id'], name=op.f('fk_budget_simulation_line_simulation_id_budget_simulation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_simulation_line'))
    )
    with op.batch_alter_table('budget_simulation_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_simulation_line_simulation_id'), ['simulation_id'], unique=False)

    op.create_table('budget_simulation_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('simulation_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('amounts_json', sa.Text(), nullable=False),
    sa.Column('governorate_id', sa.Integer(), nullable=True),
    sa.Column('locality_id', sa.Integer(), nullable=True),
    sa.Column('age_band', sa.String(length=20), nullable=False),
    sa.Column('gender', sa.String(length=20), nullable=False),
    sa.Column('uses_services', sa.String(length=10), nullable=False),
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('duplicate', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['governorate_id'], ['governorate.id'], name=op.f('fk_budget_simulation_submission_governorate_id_governorate')),
    sa.ForeignKeyConstraint(['locality_id'], ['locality.id'], name=op.f('fk_budget_simulation_submission_locality_id_locality')),
    sa.ForeignKeyConstraint(['simulation_id'], ['budget_simulation.id'], name=op.f('fk_budget_simulation_submission_simulation_id_budget_simulation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_simulation_submission')),
    sa.UniqueConstraint('token', name=op.f('uq_budget_simulation_submission_token'))
    )
    with op.batch_alter_table('budget_simulation_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_simulation_submission_address_hash'), ['address_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_simulation_submission_simulation_id'), ['simulation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('budget_simulation_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_simulation_submission_simulation_id'))
        batch_op.drop_index(batch_op.f('ix_budget_simulation_submission_address_hash'))

    op.drop_table('budget_simulation_submission')
    with op.batch_alter_table('budget_simulation_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_simulation_line_simulation_id'))

    op.drop_table('budget_simulation_line')
    with op.batch_alter_table('budget_simulation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_simulation_council_id'))

    op.drop_table('budget_simulation')
