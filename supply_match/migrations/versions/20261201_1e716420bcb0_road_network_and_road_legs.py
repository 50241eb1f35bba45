"""road network and road legs

Revision ID: 1e716420bcb0
Revises: b7e31c9a5d04
Create Date: 2026-12-01 20:29:29

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1e716420bcb0'
down_revision = 'b7e31c9a5d04'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('road_network',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_name', sa.String(length=255), nullable=False),
    sa.Column('loaded_at', sa.DateTime(), nullable=False),
    sa.Column('osm_nodes', sa.Integer(), nullable=False),
    sa.Column('junctions', sa.Integer(), nullable=False),
    sa.Column('chains', sa.Integer(), nullable=False),
    sa.Column('length_km', sa.Float(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('graph', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_road_network'))
    )
    op.create_table('road_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('lat_e5', sa.Integer(), nullable=False),
    sa.Column('lon_e5', sa.Integer(), nullable=False),
    sa.Column('chain', sa.Integer(), nullable=False),
    sa.Column('offset_m', sa.Float(), nullable=False),
    sa.Column('snap_m', sa.Float(), nullable=False),
    sa.CheckConstraint('snap_m >= 0', name=op.f('ck_road_point_snap_not_negative')),
    sa.ForeignKeyConstraint(['network_id'], ['road_network.id'], name=op.f('fk_road_point_network_id_road_network'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_road_point')),
    sa.UniqueConstraint('network_id', 'lat_e5', 'lon_e5', name=op.f('uq_road_point_network_id_lat_e5_lon_e5'))
    )
    with op.batch_alter_table('road_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_road_point_network_id'), ['network_id'], unique=False)

    op.create_table('road_legs',
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=24), nullable=False),
    sa.Column('target_ids', sa.LargeBinary(), nullable=False),
    sa.Column('costs', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['point_id'], ['road_point.id'], name=op.f('fk_road_legs_point_id_road_point'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('point_id', 'metric', name=op.f('pk_road_legs'))
    )


def downgrade():
    op.drop_table('road_legs')
    with op.batch_alter_table('road_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_road_point_network_id'))

    op.drop_table('road_point')
    op.drop_table('road_network')
