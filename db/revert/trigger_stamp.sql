-- Revert fieldmap:trigger_stamp from pg
BEGIN;
DROP TRIGGER _10_version ON fieldmap.field_mappings;
DROP TRIGGER _10_stamp ON fieldmap.tenants;
DROP TRIGGER _10_stamp ON fieldmap.users;
DROP TRIGGER _10_stamp ON fieldmap.connector_definitions;
DROP FUNCTION fieldmap._version_field_mapping();
DROP FUNCTION fieldmap._stamp_updated_at();
COMMIT;
