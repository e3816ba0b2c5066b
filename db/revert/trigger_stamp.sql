-- Revert fieldmap:trigger_stamp from pg
BEGIN;
DROP TRIGGER _10_stamp ON fieldmap.tenants;
DROP TRIGGER _10_stamp ON fieldmap.users;
DROP TRIGGER _10_stamp ON fieldmap.connector_definitions;
DROP TRIGGER _10_stamp ON fieldmap.field_mappings;
DROP FUNCTION fieldmap._stamp_updated_at();
DROP FUNCTION fieldmap._stamp_field_mapping();
COMMIT;
