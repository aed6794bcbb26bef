"""imported datasets: respondent-level files as surveys of kind 'imported'

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
OLD_KINDS = "kind IN ('adhoc', 'omnibus', 'panel_wave')"
NEW_KINDS = "kind IN ('adhoc', 'omnibus', 'panel_wave', 'imported')"


def _set_kind_check(condition):
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        _recreate_kind_check(condition)
        return
    # SQLite changes a CHECK by copying the table and dropping the old one. With foreign keys
    # on, that DROP deletes the rows of every table referencing survey (versions, responses,
    # jobs...) through their ON DELETE CASCADE. The pragma is ignored inside a transaction,
    # so the one the driver opened for earlier steps is committed first (SQLite DDL is not
    # transactional under pysqlite anyway).
    raw = bind.connection.dbapi_connection
    raw.commit()
    raw.execute('PRAGMA foreign_keys = OFF')
    try:
        _recreate_kind_check(condition)
        broken = raw.execute('PRAGMA foreign_key_check').fetchall()
        if broken:
            raise RuntimeError(f'foreign keys broken by the survey table copy: {broken[:5]}')
        raw.commit()
    finally:
        raw.execute('PRAGMA foreign_keys = ON')


def _recreate_kind_check(condition):
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_survey_kind_known'), type_='check')
        batch_op.create_check_constraint('kind_known', condition)


def upgrade():
    _set_kind_check(NEW_KINDS)
    op.create_table('imported_dataset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('variable_count', sa.Integer(), nullable=False),
    sa.Column('variables', JSON_DOCUMENT, nullable=False),
    sa.Column('mr_sets', JSON_DOCUMENT, nullable=False),
    sa.Column('warnings', JSON_DOCUMENT, nullable=False),
    sa.Column('options', JSON_DOCUMENT, nullable=False),
    sa.Column('data_file', sa.String(length=255), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("format IN ('sav', 'csv', 'xlsx')", name=op.f('ck_imported_dataset_format_known')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user_account.id'], name=op.f('fk_imported_dataset_imported_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_imported_dataset_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imported_dataset')),
    sa.UniqueConstraint('data_file', name=op.f('uq_imported_dataset_data_file')),
    sa.UniqueConstraint('survey_id', name=op.f('uq_imported_dataset_survey_id'))
    )


def downgrade():
    op.drop_table('imported_dataset')
    op.execute("DELETE FROM survey WHERE kind = 'imported'")
    _set_kind_check(OLD_KINDS)
