-- Revert fieldmap:table_users from pg
BEGIN;
DROP TABLE fieldmap.users;
COMMIT;
