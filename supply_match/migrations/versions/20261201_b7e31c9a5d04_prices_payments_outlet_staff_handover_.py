"""prices payments outlet staff handover and day accounts

Revision ID: b7e31c9a5d04
Revises: 3b7d91c4e2a8
Create Date: 2026-12-01 20:25:23.123248

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e31c9a5d04'
down_revision = '3b7d91c4e2a8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('subsidy_programme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('share_percent', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_subsidy_programme_name_not_blank')),
    sa.CheckConstraint('share_percent BETWEEN 1 AND 100', name=op.f('ck_subsidy_programme_share_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_programme')),
    sa.UniqueConstraint('name', name=op.f('uq_subsidy_programme_name'))
    )
    op.create_table('day_closing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], name=op.f('fk_day_closing_closed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlet.id'], name=op.f('fk_day_closing_outlet_id_outlet')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_day_closing')),
    sa.UniqueConstraint('outlet_id', 'day', name=op.f('uq_day_closing_outlet_id_day'))
    )
    with op.batch_alter_table('day_closing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_day_closing_outlet_id'), ['outlet_id'], unique=False)

    op.create_table('guide_price',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('price_fen IS NULL OR price_fen >= 0', name=op.f('ck_guide_price_price_not_negative')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_guide_price_product_id_product')),
    sa.ForeignKeyConstraint(['set_by_id'], ['user.id'], name=op.f('fk_guide_price_set_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guide_price'))
    )
    with op.batch_alter_table('guide_price', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guide_price_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guide_price_set_at'), ['set_at'], unique=False)

    op.create_table('outlet_price',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('price_fen >= 0', name=op.f('ck_outlet_price_price_not_negative')),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlet.id'], name=op.f('fk_outlet_price_outlet_id_outlet')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_outlet_price_product_id_product')),
    sa.ForeignKeyConstraint(['set_by_id'], ['user.id'], name=op.f('fk_outlet_price_set_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outlet_price'))
    )
    with op.batch_alter_table('outlet_price', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outlet_price_outlet_id'), ['outlet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outlet_price_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outlet_price_set_at'), ['set_at'], unique=False)

    op.create_table('day_correction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('closing_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=True),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_fen != 0', name=op.f('ck_day_correction_amount_not_zero')),
    sa.CheckConstraint('length(trim(note)) > 0', name=op.f('ck_day_correction_note_not_blank')),
    sa.ForeignKeyConstraint(['closing_id'], ['day_closing.id'], name=op.f('fk_day_correction_closing_id_day_closing'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_day_correction_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_day_correction_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_day_correction'))
    )
    with op.batch_alter_table('day_correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_day_correction_closing_id'), ['closing_id'], unique=False)

    op.create_table('run_handover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['user.id'], name=op.f('fk_run_handover_confirmed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['run_id'], ['delivery_run.id'], name=op.f('fk_run_handover_run_id_delivery_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_run_handover')),
    sa.UniqueConstraint('run_id', name=op.f('uq_run_handover_run_id'))
    )
    op.create_table('goods_return',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stop_id', sa.Integer(), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['user.id'], name=op.f('fk_goods_return_confirmed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['stop_id'], ['delivery_stop.id'], name=op.f('fk_goods_return_stop_id_delivery_stop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goods_return')),
    sa.UniqueConstraint('stop_id', name=op.f('uq_goods_return_stop_id'))
    )
    op.create_table('handover_shortage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handover_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('missing', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.CheckConstraint('missing > 0', name=op.f('ck_handover_shortage_missing_positive')),
    sa.ForeignKeyConstraint(['handover_id'], ['run_handover.id'], name=op.f('fk_handover_shortage_handover_id_run_handover'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_handover_shortage_product_id_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_shortage')),
    sa.UniqueConstraint('handover_id', 'product_id', name=op.f('uq_handover_shortage_handover_id_product_id'))
    )
    with op.batch_alter_table('handover_shortage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_shortage_handover_id'), ['handover_id'], unique=False)

    op.create_table('stop_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stop_id', sa.Integer(), nullable=False),
    sa.Column('due_fen', sa.Integer(), nullable=True),
    sa.Column('received_fen', sa.Integer(), nullable=False),
    sa.Column('paid_by', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("paid_by IN ('cash', 'transfer')", name=op.f('ck_stop_payment_paid_by_valid')),
    sa.CheckConstraint('(due_fen IS NULL OR due_fen >= 0) AND received_fen >= 0', name=op.f('ck_stop_payment_amounts_not_negative')),
    sa.CheckConstraint('due_fen IS NULL OR received_fen = due_fen OR note IS NOT NULL', name=op.f('ck_stop_payment_difference_has_note')),
    sa.ForeignKeyConstraint(['stop_id'], ['delivery_stop.id'], name=op.f('fk_stop_payment_stop_id_delivery_stop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stop_payment')),
    sa.UniqueConstraint('stop_id', name=op.f('uq_stop_payment_stop_id'))
    )
    with op.batch_alter_table('stock_change', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_stock_change_kind_valid'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_stock_change_changes_something'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_stock_change_kind_valid'),
            "kind IN ('received', 'adjusted', 'reserved', 'released', 'delivered', 'returned')",
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_stock_change_changes_something'),
            "quantity_delta != 0 OR reserved_delta != 0 OR kind = 'returned'",
        )

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_method', sa.String(length=16), server_default='on_delivery', nullable=False))
        batch_op.add_column(sa.Column('subsidy_programme_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_orders_subsidy_programme_id'), ['subsidy_programme_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_orders_subsidy_programme_id_subsidy_programme'), 'subsidy_programme', ['subsidy_programme_id'], ['id'])
        batch_op.create_check_constraint(
            batch_op.f('ck_orders_payment_method_valid'),
            "payment_method IN ('prepaid', 'on_delivery', 'subsidy')",
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_orders_subsidy_has_programme'),
            "(payment_method = 'subsidy') = (subsidy_programme_id IS NOT NULL)",
        )

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outlet_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_outlet_id'), ['outlet_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_user_outlet_id_outlet'), 'outlet', ['outlet_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_user_role_valid'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_user_role_valid'),
            "role IN ('admin', 'dispatcher', 'cadre', 'outlet_staff')",
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_user_outlet_iff_staff'),
            "(role = 'outlet_staff') = (outlet_id IS NOT NULL)",
        )



def downgrade():
    # Outlet staff have no place in the old schema: their accounts go.
    op.execute("DELETE FROM user_village WHERE user_id IN (SELECT id FROM \"user\" WHERE role = 'outlet_staff')")
    op.execute("DELETE FROM \"user\" WHERE role = 'outlet_staff'")
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_outlet_iff_staff'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_user_role_valid'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_user_role_valid'), "role IN ('admin', 'dispatcher', 'cadre')"
        )
        batch_op.drop_constraint(batch_op.f('fk_user_outlet_id_outlet'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_outlet_id'))
        batch_op.drop_column('outlet_id')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_orders_subsidy_has_programme'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_orders_payment_method_valid'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_orders_subsidy_programme_id_subsidy_programme'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_orders_subsidy_programme_id'))
        batch_op.drop_column('subsidy_programme_id')
        batch_op.drop_column('payment_method')

    op.execute("DELETE FROM stock_change WHERE kind = 'returned'")
    with op.batch_alter_table('stock_change', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_stock_change_changes_something'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_stock_change_kind_valid'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_stock_change_kind_valid'),
            "kind IN ('received', 'adjusted', 'reserved', 'released', 'delivered')",
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_stock_change_changes_something'),
            'quantity_delta != 0 OR reserved_delta != 0',
        )

    op.drop_table('stop_payment')
    with op.batch_alter_table('handover_shortage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_shortage_handover_id'))

    op.drop_table('handover_shortage')
    op.drop_table('goods_return')
    op.drop_table('run_handover')
    with op.batch_alter_table('day_correction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_day_correction_closing_id'))

    op.drop_table('day_correction')
    with op.batch_alter_table('outlet_price', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outlet_price_set_at'))
        batch_op.drop_index(batch_op.f('ix_outlet_price_product_id'))
        batch_op.drop_index(batch_op.f('ix_outlet_price_outlet_id'))

    op.drop_table('outlet_price')
    with op.batch_alter_table('guide_price', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guide_price_set_at'))
        batch_op.drop_index(batch_op.f('ix_guide_price_product_id'))

    op.drop_table('guide_price')
    with op.batch_alter_table('day_closing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_day_closing_outlet_id'))

    op.drop_table('day_closing')
    op.drop_table('subsidy_programme')
