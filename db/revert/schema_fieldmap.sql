-- Revert fieldmap:schema_fieldmap from pg
BEGIN;

ALTER DEFAULT PRIVILEGES FOR ROLE fieldmap_owner GRANT EXECUTE ON FUNCTIONS TO PUBLIC;
DROP SCHEMA fieldmap;

COMMIT;
