"""county settings, places active, volunteer applications, api tokens, forced password change

Revision ID: 3b7d91c4e2a8
Revises: d9fe37c68950
Create Date: 2026-12-01 20:24:34.159037

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b7d91c4e2a8'
down_revision = 'd9fe37c68950'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('county_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('county_code', sa.String(length=6), nullable=False),
    sa.Column('county_name', sa.String(length=32), nullable=False),
    sa.Column('service_title', sa.String(length=40), nullable=False),
    sa.Column('time_zone', sa.String(length=40), nullable=False),
    sa.Column('default_shift_start', sa.Time(), nullable=False),
    sa.Column('default_shift_end', sa.Time(), nullable=False),
    sa.Column('keep_pesticide_apart', sa.Boolean(), nullable=False),
    sa.Column('circuity', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('circuity BETWEEN 1 AND 3', name=op.f('ck_county_settings_circuity_range')),
    sa.CheckConstraint('default_shift_end > default_shift_start', name=op.f('ck_county_settings_default_shift_order')),
    sa.CheckConstraint('length(county_code) = 6', name=op.f('ck_county_settings_county_code_six_digits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_county_settings'))
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_api_token_created_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_api_token_secret_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_api_token_user_id'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_created_by_id'), ['created_by_id'], unique=False)

    op.create_table('volunteer_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('mobile', sa.String(length=11), nullable=False),
    sa.Column('party_branch', sa.String(length=64), nullable=False),
    sa.Column('vehicle_type', sa.String(length=24), nullable=False),
    sa.Column('plate', sa.String(length=16), nullable=True),
    sa.Column('payload_kg', sa.Integer(), nullable=False),
    sa.Column('duty_days', sa.Integer(), nullable=False),
    sa.Column('shift_start', sa.Time(), nullable=False),
    sa.Column('shift_end', sa.Time(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decline_reason', sa.String(length=200), nullable=True),
    sa.Column('volunteer_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("length(mobile) = 11 AND substr(mobile, 1, 1) = '1' AND substr(mobile, 2, 1) BETWEEN '3' AND '9' AND substr(mobile, 1, 1) BETWEEN '0' AND '9' AND substr(mobile, 2, 1) BETWEEN '0' AND '9' AND substr(mobile, 3, 1) BETWEEN '0' AND '9' AND substr(mobile, 4, 1) BETWEEN '0' AND '9' AND substr(mobile, 5, 1) BETWEEN '0' AND '9' AND substr(mobile, 6, 1) BETWEEN '0' AND '9' AND substr(mobile, 7, 1) BETWEEN '0' AND '9' AND substr(mobile, 8, 1) BETWEEN '0' AND '9' AND substr(mobile, 9, 1) BETWEEN '0' AND '9' AND substr(mobile, 10, 1) BETWEEN '0' AND '9' AND substr(mobile, 11, 1) BETWEEN '0' AND '9'", name=op.f('ck_volunteer_application_mobile_valid')),
    sa.CheckConstraint("status IN ('pending', 'approved', 'declined')", name=op.f('ck_volunteer_application_status_valid')),
    sa.CheckConstraint("vehicle_type IN ('electric_tricycle', 'motor_tricycle', 'motorcycle', 'minivan', 'pickup', 'light_truck')", name=op.f('ck_volunteer_application_vehicle_type_valid')),
    sa.CheckConstraint('duty_days BETWEEN 1 AND 127', name=op.f('ck_volunteer_application_duty_days_valid')),
    sa.CheckConstraint('payload_kg > 0', name=op.f('ck_volunteer_application_payload_positive')),
    sa.CheckConstraint('shift_end > shift_start', name=op.f('ck_volunteer_application_shift_order')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_volunteer_application_decided_by_id_user')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_volunteer_application_township_id_township')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_volunteer_application_village_id_village')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_volunteer_application_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_application'))
    )
    with op.batch_alter_table('volunteer_application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_application_decided_by_id'), ['decided_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_application_mobile'), ['mobile'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_application_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_application_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_application_village_id'), ['village_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_application_volunteer_id'), ['volunteer_id'], unique=False)

    with op.batch_alter_table('township', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.add_column(sa.Column('collection_contact', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('collection_mobile', sa.String(length=11), nullable=True))
        batch_op.create_check_constraint(
            'collection_mobile_valid',
            "length(collection_mobile) = 11 AND substr(collection_mobile, 1, 1) = '1' "
            "AND substr(collection_mobile, 2, 1) BETWEEN '3' AND '9'",
        )
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))

    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('home_village_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_volunteer_home_village_id'), ['home_village_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_volunteer_home_village_id_village'), 'village', ['home_village_id'], ['id'])



def downgrade():
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_volunteer_home_village_id_village'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_volunteer_home_village_id'))
        batch_op.drop_column('home_village_id')

    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_village_collection_mobile_valid'), type_='check')
        batch_op.drop_column('active')
        batch_op.drop_column('collection_mobile')
        batch_op.drop_column('collection_contact')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')

    with op.batch_alter_table('township', schema=None) as batch_op:
        batch_op.drop_column('active')

    with op.batch_alter_table('volunteer_application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_application_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_application_village_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_application_township_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_application_status'))
        batch_op.drop_index(batch_op.f('ix_volunteer_application_mobile'))
        batch_op.drop_index(batch_op.f('ix_volunteer_application_decided_by_id'))

    op.drop_table('volunteer_application')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_created_by_id'))

    op.drop_table('api_token')
    op.drop_table('county_settings')
