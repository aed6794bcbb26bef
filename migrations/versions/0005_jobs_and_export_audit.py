"""background jobs and the export audit

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('parameters', JSON_DOCUMENT, nullable=False),
    sa.Column('result_file', sa.String(length=255), nullable=True),
    sa.Column('download_name', sa.String(length=255), nullable=True),
    sa.Column('result_size', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('cancel_requested', sa.Boolean(), nullable=False),
    sa.CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')", name=op.f('ck_job_status_known')),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_job_progress_percent')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_job_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_job_study_id_study'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_job_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_study_id'), ['study_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_status'), ['status'], unique=False)

    op.create_table('export_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('parameters', JSON_DOCUMENT, nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['job.id'], name=op.f('fk_export_record_job_id_job'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_export_record_study_id_study'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_export_record_survey_id_survey'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_export_record_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_record'))
    )
    with op.batch_alter_table('export_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_record_study_id'), ['study_id'], unique=False)


def downgrade():
    with op.batch_alter_table('export_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_record_study_id'))

    op.drop_table('export_record')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_status'))
        batch_op.drop_index(batch_op.f('ix_job_study_id'))

    op.drop_table('job')
