"""household link version: renewing a household's page link bumps it

Revision ID: e4d2a6b8c1f3
Revises: c3d8e1f04a6b
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4d2a6b8c1f3'
down_revision = 'c3d8e1f04a6b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('household') as batch_op:
        batch_op.add_column(
            sa.Column('link_version', sa.Integer(), nullable=False, server_default='0')
        )


def downgrade():
    with op.batch_alter_table('household') as batch_op:
        batch_op.drop_column('link_version')
