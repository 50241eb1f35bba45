"""several trips per volunteer and day

Revision ID: 7c2f1e5a9b30
Revises: 91e1d3dac115
Create Date: 2026-11-29 05:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c2f1e5a9b30'
down_revision = '91e1d3dac115'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('delivery_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trip', sa.Integer(), server_default='1', nullable=False))
        batch_op.drop_constraint('uq_delivery_run_plan_id_volunteer_id', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_delivery_run_plan_id_volunteer_id_trip'),
            ['plan_id', 'volunteer_id', 'trip'],
        )
        batch_op.create_check_constraint(batch_op.f('ck_delivery_run_trip_positive'), 'trip >= 1')


def downgrade():
    # Later trips have no place in the old schema: they go, with their stops (cascade).
    op.execute('DELETE FROM delivery_run WHERE trip > 1')
    with op.batch_alter_table('delivery_run', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_delivery_run_trip_positive'), type_='check')
        batch_op.drop_constraint(
            batch_op.f('uq_delivery_run_plan_id_volunteer_id_trip'), type_='unique'
        )
        batch_op.create_unique_constraint(
            'uq_delivery_run_plan_id_volunteer_id', ['plan_id', 'volunteer_id']
        )
        batch_op.drop_column('trip')
