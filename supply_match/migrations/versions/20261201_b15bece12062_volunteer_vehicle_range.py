"""a volunteer's vehicle range on a charge or a tank

Revision ID: b15bece12062
Revises: 1e716420bcb0
Create Date: 2026-12-01 21:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b15bece12062'
down_revision = '1e716420bcb0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('range_km', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_volunteer_range_positive'), 'range_km IS NULL OR range_km > 0'
        )


def downgrade():
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_volunteer_range_positive'), type_='check')
        batch_op.drop_column('range_km')
