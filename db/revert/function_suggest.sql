-- Revert fieldmap:function_suggest from pg
BEGIN;
DROP FUNCTION fieldmap.suggest_mapping(text, text, text, text, public.vector, integer, public.vector);
DROP FUNCTION fieldmap.suggest_fields(text, text, text[], text[], public.vector[], public.vector, integer);
COMMIT;
