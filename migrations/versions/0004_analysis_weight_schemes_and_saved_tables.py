"""analysis: weight schemes and saved tables

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table('saved_table',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('spec', JSON_DOCUMENT, nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_saved_table_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_saved_table_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_table'))
    )
    with op.batch_alter_table('saved_table', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_table_survey_id'), ['survey_id'], unique=False)

    op.create_table('weight_scheme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('settings', JSON_DOCUMENT, nullable=False),
    sa.Column('report', JSON_DOCUMENT, nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("method IN ('rim', 'cell')", name=op.f('ck_weight_scheme_method_known')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_weight_scheme_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_weight_scheme_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weight_scheme')),
    sa.UniqueConstraint('survey_id', 'name', name=op.f('uq_weight_scheme_survey_id_name'))
    )
    with op.batch_alter_table('weight_scheme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_weight_scheme_survey_id'), ['survey_id'], unique=False)



def downgrade():
    with op.batch_alter_table('weight_scheme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_weight_scheme_survey_id'))

    op.drop_table('weight_scheme')
    with op.batch_alter_table('saved_table', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_table_survey_id'))

    op.drop_table('saved_table')
