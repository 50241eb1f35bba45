"""goods corrections of a closed day: a correction is money or a product's quantity

Revision ID: d49aed45a06c
Revises: c3e9f1a2b4d6
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd49aed45a06c'
down_revision = 'c3e9f1a2b4d6'
branch_labels = None
depends_on = None

MONEY_OR_GOODS = (
    "(amount_fen IS NOT NULL AND amount_fen != 0 AND product_id IS NULL"
    " AND quantity IS NULL AND figure IS NULL)"
    " OR (amount_fen IS NULL AND product_id IS NOT NULL AND quantity IS NOT NULL"
    " AND quantity != 0 AND figure IN ('returned', 'lost'))"
)


def upgrade():
    with op.batch_alter_table('day_correction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('product_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('figure', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('quantity', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.alter_column('amount_fen', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(batch_op.f('ck_day_correction_amount_not_zero'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_day_correction_money_or_goods'), MONEY_OR_GOODS)
        batch_op.create_foreign_key(batch_op.f('fk_day_correction_product_id_product'), 'product', ['product_id'], ['id'])


def downgrade():
    # Goods corrections have no money form: they go with the columns.
    op.execute("DELETE FROM day_correction WHERE amount_fen IS NULL")
    with op.batch_alter_table('day_correction', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_day_correction_product_id_product'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('ck_day_correction_money_or_goods'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_day_correction_amount_not_zero'), 'amount_fen != 0')
        batch_op.alter_column('amount_fen', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('quantity')
        batch_op.drop_column('figure')
        batch_op.drop_column('product_id')
