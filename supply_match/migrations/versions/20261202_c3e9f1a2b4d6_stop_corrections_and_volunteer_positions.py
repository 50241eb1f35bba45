"""stop corrections by a dispatcher, and volunteers' last positions

Revision ID: c3e9f1a2b4d6
Revises: e4d2a6b8c1f3
Create Date: 2026-12-02 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3e9f1a2b4d6'
down_revision = 'e4d2a6b8c1f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('delivery_stop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('corrected_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('corrected_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('correction_note', sa.String(length=200), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_delivery_stop_corrected_by_id_user'), 'user', ['corrected_by_id'],
            ['id'], ondelete='SET NULL',
        )
    op.create_table('volunteer_position',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('accuracy_m', sa.Integer(), nullable=True),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('lat BETWEEN -90 AND 90', name=op.f('ck_volunteer_position_lat_range')),
    sa.CheckConstraint('lon BETWEEN -180 AND 180', name=op.f('ck_volunteer_position_lon_range')),
    sa.CheckConstraint('accuracy_m IS NULL OR accuracy_m >= 0', name=op.f('ck_volunteer_position_accuracy_not_negative')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_volunteer_position_volunteer_id_volunteer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_position')),
    sa.UniqueConstraint('volunteer_id', name=op.f('uq_volunteer_position_volunteer_id'))
    )
    with op.batch_alter_table('volunteer_position', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_position_received_at'), ['received_at'], unique=False)


def downgrade():
    with op.batch_alter_table('volunteer_position', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_position_received_at'))
    op.drop_table('volunteer_position')
    with op.batch_alter_table('delivery_stop', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_delivery_stop_corrected_by_id_user'), type_='foreignkey')
        batch_op.drop_column('correction_note')
        batch_op.drop_column('corrected_by_id')
        batch_op.drop_column('corrected_at')
