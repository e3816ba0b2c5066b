-- Revert fieldmap:function_propose_mappings from pg
BEGIN;
DROP FUNCTION fieldmap.propose_mappings(text, text[], text[], text[], public.vector[], public.vector[], integer);
DROP FUNCTION fieldmap._placed_proposals(jsonb[]);
COMMIT;
