"""runs keep the plan version they last changed in, and the notice their volunteer sees

Revision ID: c3d8e1f04a6b
Revises: a7c41d09e5b2
Create Date: 2026-12-02 01:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d8e1f04a6b'
down_revision = 'a7c41d09e5b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('delivery_run', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('version', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.add_column(sa.Column('notice', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('delivery_run', schema=None) as batch_op:
        batch_op.drop_column('notice')
        batch_op.drop_column('version')
