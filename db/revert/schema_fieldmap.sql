-- Revert fieldmap:schema_fieldmap from pg
BEGIN;

ALTER DEFAULT PRIVILEGES FOR ROLE fieldmap_owner GRANT EXECUTE ON FUNCTIONS TO PUBLIC;
DROP FUNCTION fieldmap._refuse_revert_over_data();
DROP SCHEMA fieldmap;

COMMIT;
