-- Revert fieldmap:domain_handle from pg
BEGIN;
DROP DOMAIN fieldmap.handle;
DROP FUNCTION fieldmap.check_handle(text, text);
DROP FUNCTION fieldmap.is_handle(text);
COMMIT;
