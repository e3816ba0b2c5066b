-- Verify fieldmap:function_admin on pg
BEGIN;
DO $$
BEGIN
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap.create_tenant(text, text, jsonb, boolean)', 'EXECUTE'),
         'fieldmap_writer may create tenants';
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap.create_user(text, text, boolean)', 'EXECUTE'),
         'fieldmap_writer may create users';
  ASSERT has_function_privilege('fieldmap_reader', 'fieldmap.list_tenants()', 'EXECUTE'),
         'fieldmap_reader cannot list its tenants';
END
$$;
-- a real tenant and user, rolled back
SELECT fieldmap.set_context(fieldmap.create_tenant('verify-admin')::text);
DO $$
BEGIN
  ASSERT fieldmap.create_user('probe@verify.invalid')
         = fieldmap.create_user('probe@verify.invalid', if_not_exists => true), 'create_user is not idempotent';
END
$$;
ROLLBACK;
