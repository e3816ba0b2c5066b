-- Revert fieldmap:function_closest_name from pg
BEGIN;
DROP FUNCTION fieldmap.closest_name(text, text[]);
COMMIT;
