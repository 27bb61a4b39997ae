"""declared conflicts of interest (issue 15 §4): proposing and implementing organizations of a
proposal, the partner organization a membership represents, members' declarations before the
council's approval vote

Revision ID: 0012_interest_declarations
Revises: 0011_cycle_json_columns
Create Date: 2026-12-01 15:45:00

A membership whose organization name is exactly a partner's name in the same council is linked
to that partner (the only link the data already implied); others stay unlinked.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_interest_declarations'
down_revision = '0011_cycle_json_columns'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('allocation_proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposing_organization_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('implementing_organization_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_allocation_proposal_proposing_organization_id_partner_organization'),
                                    'partner_organization', ['proposing_organization_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_allocation_proposal_implementing_organization_id_partner_organization'),
                                    'partner_organization', ['implementing_organization_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partner_organization_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_membership_partner_organization_id_partner_organization'),
                                    'partner_organization', ['partner_organization_id'], ['id'], ondelete='SET NULL')
    op.execute("UPDATE membership SET partner_organization_id = (SELECT p.id FROM partner_organization p "
               "WHERE p.council_id = membership.council_id AND p.name = membership.organization_name)")
    op.create_table('interest_declaration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('has_interest', sa.Boolean(), nullable=False),
    sa.Column('proposal_codes_json', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['budget_cycle.id'], name=op.f('fk_interest_declaration_cycle_id_budget_cycle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_interest_declaration_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interest_declaration')),
    sa.UniqueConstraint('cycle_id', 'user_id', name=op.f('uq_interest_declaration_cycle_id_user_id'))
    )
    with op.batch_alter_table('interest_declaration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interest_declaration_cycle_id'), ['cycle_id'], unique=False)


def downgrade():
    with op.batch_alter_table('interest_declaration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interest_declaration_cycle_id'))
    op.drop_table('interest_declaration')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_membership_partner_organization_id_partner_organization'), type_='foreignkey')
        batch_op.drop_column('partner_organization_id')
    with op.batch_alter_table('allocation_proposal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_allocation_proposal_implementing_organization_id_partner_organization'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_allocation_proposal_proposing_organization_id_partner_organization'), type_='foreignkey')
        batch_op.drop_column('implementing_organization_id')
        batch_op.drop_column('proposing_organization_id')
