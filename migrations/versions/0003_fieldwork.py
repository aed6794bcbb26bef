"""fieldwork: access, invitations, quotas, API tokens, response flow

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('study_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_api_token_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['study_id'], ['study.id'], name=op.f('fk_api_token_study_id_study'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_study_id'), ['study_id'], unique=False)

    op.create_table('quota',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('variables', JSON_DOCUMENT, nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_quota_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quota'))
    )
    with op.batch_alter_table('quota', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quota_survey_id'), ['survey_id'], unique=False)

    op.create_table('respondent_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('valid_from', sa.DateTime(), nullable=True),
    sa.Column('valid_until', sa.DateTime(), nullable=True),
    sa.Column('max_uses', sa.Integer(), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('max_uses > 0', name=op.f('ck_respondent_invitation_max_uses_positive')),
    sa.CheckConstraint('uses >= 0', name=op.f('ck_respondent_invitation_uses_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_respondent_invitation_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_respondent_invitation_response_id_response'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_respondent_invitation_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_respondent_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_respondent_invitation_token_hash'))
    )
    with op.batch_alter_table('respondent_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_respondent_invitation_survey_id'), ['survey_id'], unique=False)

    op.create_table('quota_cell',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quota_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('condition', sa.Text(), nullable=False),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.Column('completes', sa.Integer(), nullable=False),
    sa.CheckConstraint('completes >= 0', name=op.f('ck_quota_cell_completes_not_negative')),
    sa.CheckConstraint('target >= 0', name=op.f('ck_quota_cell_target_not_negative')),
    sa.ForeignKeyConstraint(['quota_id'], ['quota.id'], name=op.f('fk_quota_cell_quota_id_quota'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quota_cell'))
    )
    with op.batch_alter_table('quota_cell', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quota_cell_quota_id'), ['quota_id'], unique=False)

    op.create_table('idempotency_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('api_token_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('body', JSON_DOCUMENT, nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['api_token_id'], ['api_token.id'], name=op.f('fk_idempotency_record_api_token_id_api_token'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_idempotency_record_response_id_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_record')),
    sa.UniqueConstraint('api_token_id', 'key', name=op.f('uq_idempotency_record_api_token_id_key'))
    )
    with op.batch_alter_table('idempotency_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_record_response_id'), ['response_id'], unique=False)

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('page_index', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('step', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('end_cause', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('quota_cells', JSON_DOCUMENT, nullable=False,
                                      server_default='[]'))
        batch_op.create_index(batch_op.f('ix_response_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_response_invitation_id_respondent_invitation'), 'respondent_invitation', ['invitation_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_key', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('open_link', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
        batch_op.add_column(sa.Column('access_password_hash', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('closes_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('max_completes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('abandon_after_minutes', sa.Integer(), nullable=False,
                                      server_default='1440'))
        batch_op.create_unique_constraint(batch_op.f('uq_survey_public_key'), ['public_key'])
        batch_op.create_check_constraint(
            'max_completes_positive', 'max_completes IS NULL OR max_completes > 0')
        batch_op.create_check_constraint('abandon_after_positive', 'abandon_after_minutes > 0')

    with op.batch_alter_table('study_member', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_study_member_role_known'), type_='check')
        batch_op.create_check_constraint(
            'role_known', "role IN ('owner', 'editor', 'viewer', 'interviewer')")



def downgrade():
    op.execute("DELETE FROM study_member WHERE role = 'interviewer'")
    with op.batch_alter_table('study_member', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_study_member_role_known'), type_='check')
        batch_op.create_check_constraint('role_known', "role IN ('owner', 'editor', 'viewer')")

    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_survey_abandon_after_positive'), type_='check')
        batch_op.drop_constraint(op.f('ck_survey_max_completes_positive'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_survey_public_key'), type_='unique')
        batch_op.drop_column('abandon_after_minutes')
        batch_op.drop_column('max_completes')
        batch_op.drop_column('closes_at')
        batch_op.drop_column('access_password_hash')
        batch_op.drop_column('open_link')
        batch_op.drop_column('public_key')

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_response_invitation_id_respondent_invitation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_response_invitation_id'))
        batch_op.drop_column('quota_cells')
        batch_op.drop_column('end_cause')
        batch_op.drop_column('step')
        batch_op.drop_column('page_index')
        batch_op.drop_column('invitation_id')

    with op.batch_alter_table('idempotency_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_record_response_id'))

    op.drop_table('idempotency_record')
    with op.batch_alter_table('quota_cell', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quota_cell_quota_id'))

    op.drop_table('quota_cell')
    with op.batch_alter_table('respondent_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_respondent_invitation_survey_id'))

    op.drop_table('respondent_invitation')
    with op.batch_alter_table('quota', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quota_survey_id'))

    op.drop_table('quota')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_study_id'))

    op.drop_table('api_token')
