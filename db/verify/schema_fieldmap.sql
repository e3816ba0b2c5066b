-- Verify fieldmap:schema_fieldmap on pg
BEGIN;

DO $$
BEGIN
  ASSERT (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'fieldmap') = 'fieldmap_owner',
         'schema fieldmap missing or not owned by fieldmap_owner';
  ASSERT has_schema_privilege('fieldmap_reader', 'fieldmap', 'USAGE'), 'fieldmap_reader lacks USAGE on fieldmap';
  ASSERT has_schema_privilege('fieldmap_writer', 'fieldmap', 'USAGE'), 'fieldmap_writer lacks USAGE on fieldmap';
  ASSERT has_schema_privilege('fieldmap_auditor', 'fieldmap', 'USAGE'), 'fieldmap_auditor lacks USAGE on fieldmap';
  ASSERT NOT has_schema_privilege('fieldmap_writer', 'fieldmap', 'CREATE'), 'fieldmap_writer may create in fieldmap';
  ASSERT EXISTS (SELECT FROM pg_default_acl d
                 WHERE d.defaclrole = 'fieldmap_owner'::regrole AND d.defaclnamespace = 0
                   AND d.defaclobjtype = 'f'),
         'default EXECUTE for PUBLIC on fieldmap_owner''s functions is not revoked';
  PERFORM 'fieldmap._refuse_revert_over_data()'::regprocedure;
END
$$;

ROLLBACK;
