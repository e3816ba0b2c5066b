-- Verify fieldmap:function_erase_user on pg
BEGIN;
DO $$
BEGIN
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap.erase_user(uuid)', 'EXECUTE'),
         'fieldmap_writer may erase users';
  ASSERT fieldmap._erase_user_values('{"email": "a@b.c", "status": "active"}')
         = '{"email": "<erased>", "status": "active"}', '_erase_user_values is wrong';
END
$$;
ROLLBACK;
