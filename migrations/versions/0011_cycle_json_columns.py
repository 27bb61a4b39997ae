"""budget cycle: the tally, the override and the approval result as JSON columns

Revision ID: 0011_cycle_json_columns
Revises: 0010_proposal_review
Create Date: 2026-12-01 15:30:00

``tally_json``, ``override_json`` and ``approval_result_json`` held JSON as text ('' for none);
they become JSON columns (NULL for none), keeping their names (the templates, the benchmarks and
raw SQL name them; the ``_json`` suffix still says what they hold). The text is converted, not
re-serialized, both ways: on PostgreSQL ``json`` (not ``jsonb``, which reorders keys) keeps the
stored text as it is; on SQLite a JSON column is text already.

Not converted, on purpose: ``rules_json`` (hashed into the fingerprint: its bytes must not
change), ``electorate_json`` (canonical text frozen with the rules, written once),
``citizen_budget_version.snapshot_json`` (hashed too), and ``audit_log.details`` (searched with
LIKE).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_cycle_json_columns'
down_revision = '0010_proposal_review'
branch_labels = None
depends_on = None

COLUMNS = ('tally_json', 'override_json', 'approval_result_json')


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    with op.batch_alter_table('budget_cycle', schema=None) as batch_op:
        for name in COLUMNS:  # nullable first: on PostgreSQL the new type turns '' into NULL
            batch_op.alter_column(name, existing_type=sa.Text(), existing_nullable=False, nullable=True)
            batch_op.alter_column(name, existing_type=sa.Text(), type_=sa.JSON(none_as_null=True),
                                  existing_nullable=True, postgresql_using=f"NULLIF({name}, '')::json")
    if not postgres:  # SQLite copied the text as it was: '' (none) becomes NULL
        for name in COLUMNS:
            op.execute(f"UPDATE budget_cycle SET {name} = NULL WHERE {name} = ''")


def downgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    if not postgres:
        for name in COLUMNS:
            op.execute(f"UPDATE budget_cycle SET {name} = '' WHERE {name} IS NULL")
    with op.batch_alter_table('budget_cycle', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.alter_column(name, existing_type=sa.JSON(none_as_null=True), type_=sa.Text(),
                                  existing_nullable=True, nullable=False,
                                  postgresql_using=f"COALESCE({name}::text, '')")
