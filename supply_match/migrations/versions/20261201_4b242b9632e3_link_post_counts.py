"""link post counts: how often a volunteer's link posted updates, per minute

Revision ID: 4b242b9632e3
Revises: 91cf5dffb918
Create Date: 2026-12-01 21:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b242b9632e3'
down_revision = '91cf5dffb918'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('link_post_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('posts', sa.Integer(), nullable=False),
    sa.CheckConstraint('posts >= 0', name=op.f('ck_link_post_count_posts_not_negative')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_link_post_count_volunteer_id_volunteer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_post_count')),
    sa.UniqueConstraint('volunteer_id', 'window_start', name=op.f('uq_link_post_count_volunteer_id_window_start'))
    )
    with op.batch_alter_table('link_post_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_post_count_volunteer_id'), ['volunteer_id'], unique=False)


def downgrade():
    with op.batch_alter_table('link_post_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_post_count_volunteer_id'))
    op.drop_table('link_post_count')
