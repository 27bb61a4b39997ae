"""approval vote: electorate frozen with the rules; ministry-wide settings (minimum quorum)

Revision ID: 0005_approval_electorate
Revises: 0004
Create Date: 2026-12-01 09:20:00

Cycles already past the opening of voting when this runs get an electorate frozen from the
council's membership of that day (source "migration"): the membership of the day voting opened
is not recorded anywhere. Their fingerprint is not recomputed (it was published); the electorate
of such a cycle is stored beside the rules, not inside them. Cycles still voting or awaiting
the council's approval get a quorum of at least the default ministry minimum (50 %), so a quorum
lowered before this migration cannot pass an approval now.
"""
import json
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0005_approval_electorate'
down_revision = '0004'
branch_labels = None
depends_on = None

DEFAULT_MIN_PCT = 50


def upgrade():
    op.create_table('ministry_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('approval_quorum_min_pct', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_ministry_settings_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ministry_settings'))
    )
    with op.batch_alter_table('budget_cycle', schema=None) as batch_op:
        batch_op.add_column(sa.Column('electorate_json', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('budget_cycle', schema=None) as batch_op:
        batch_op.alter_column('electorate_json', server_default=None)

    conn = op.get_bind()
    now = datetime.now(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds")
    cycles = conn.execute(sa.text(
        "SELECT id, council_id, phase, approval_quorum_pct FROM budget_cycle WHERE phase <> 'preparing'")).all()
    for cycle_id, council_id, phase, pct in cycles:
        members = sorted(r[0] for r in conn.execute(
            sa.text("SELECT user_id FROM membership WHERE council_id = :c"), {"c": council_id}))
        electorate = json.dumps({"frozen_at": now, "source": "migration", "user_ids": members},
                                sort_keys=True, separators=(",", ":"))
        params = {"e": electorate, "id": cycle_id}
        sql = "UPDATE budget_cycle SET electorate_json = :e"
        if phase in ("voting", "decided") and (pct or 0) < DEFAULT_MIN_PCT:
            sql += ", approval_quorum_pct = :q"
            params["q"] = DEFAULT_MIN_PCT
        conn.execute(sa.text(sql + " WHERE id = :id"), params)


def downgrade():
    with op.batch_alter_table('budget_cycle', schema=None) as batch_op:
        batch_op.drop_column('electorate_json')
    op.drop_table('ministry_settings')
