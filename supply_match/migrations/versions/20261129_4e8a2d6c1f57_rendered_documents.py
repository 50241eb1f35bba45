"""rendered documents (route sheet PDFs) kept by digest

Revision ID: 4e8a2d6c1f57
Revises: 7c2f1e5a9b30
Create Date: 2026-11-29 05:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4e8a2d6c1f57'
down_revision = '7c2f1e5a9b30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rendered_document',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_rendered_document'))
    )
    with op.batch_alter_table('rendered_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rendered_document_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('rendered_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rendered_document_created_at'))
    op.drop_table('rendered_document')
