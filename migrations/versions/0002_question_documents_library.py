"""questions carry options and rows; version settings; question library

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table('library_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('items', JSON_DOCUMENT, nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_library_item_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_library_item_study_id_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_item'))
    )
    with op.batch_alter_table('library_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_item_study_id'), ['study_id'], unique=False)

    with op.batch_alter_table('question_option', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_option_question_id'))

    # No code ever wrote question_option (0001 created it the same day), so there is no
    # data to carry over into question.options.
    op.drop_table('question_option')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('options', JSON_DOCUMENT, nullable=False,
                                      server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('rows', JSON_DOCUMENT, nullable=False,
                                      server_default=sa.text("'[]'")))

    with op.batch_alter_table('questionnaire_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settings', JSON_DOCUMENT, nullable=False,
                                      server_default=sa.text("'{}'")))


def downgrade():
    with op.batch_alter_table('questionnaire_version', schema=None) as batch_op:
        batch_op.drop_column('settings')

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('rows')
        batch_op.drop_column('options')

    op.create_table('question_option',
    sa.Column('id', sa.INTEGER(), nullable=False),
    sa.Column('question_id', sa.INTEGER(), nullable=False),
    sa.Column('label', JSON_DOCUMENT, nullable=False),
    sa.Column('settings', JSON_DOCUMENT, nullable=False),
    sa.Column('position', sa.INTEGER(), nullable=False),
    sa.Column('code', sa.INTEGER(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_question_option_question_id_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_option')),
    sa.UniqueConstraint('question_id', 'code', name=op.f('uq_question_option_question_id_code'))
    )
    with op.batch_alter_table('question_option', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_option_question_id'), ['question_id'], unique=False)

    with op.batch_alter_table('library_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_item_study_id'))

    op.drop_table('library_item')
