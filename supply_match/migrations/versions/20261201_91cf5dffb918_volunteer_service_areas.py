"""volunteer service areas

Revision ID: 91cf5dffb918
Revises: b15bece12062
Create Date: 2026-12-01 21:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '91cf5dffb918'
down_revision = 'b15bece12062'
branch_labels = None
depends_on = None


def upgrade():
    # No rows: every volunteer keeps serving their home township, the default.
    op.create_table(
        'volunteer_township',
        sa.Column('volunteer_id', sa.Integer(), nullable=False),
        sa.Column('township_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['township_id'], ['township.id'],
            name=op.f('fk_volunteer_township_township_id_township'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['volunteer_id'], ['volunteer.id'],
            name=op.f('fk_volunteer_township_volunteer_id_volunteer'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('volunteer_id', 'township_id', name=op.f('pk_volunteer_township')),
    )
    op.create_table(
        'volunteer_village',
        sa.Column('volunteer_id', sa.Integer(), nullable=False),
        sa.Column('village_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['village_id'], ['village.id'],
            name=op.f('fk_volunteer_village_village_id_village'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['volunteer_id'], ['volunteer.id'],
            name=op.f('fk_volunteer_village_volunteer_id_volunteer'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('volunteer_id', 'village_id', name=op.f('pk_volunteer_village')),
    )


def downgrade():
    op.drop_table('volunteer_village')
    op.drop_table('volunteer_township')
