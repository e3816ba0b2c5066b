-- Revert fieldmap:function_semantic_search from pg
BEGIN;
DROP FUNCTION fieldmap.similar_to_mapping(uuid, integer);
DROP FUNCTION fieldmap.search_similar(public.vector, integer, jsonb);
DROP FUNCTION fieldmap._described_mappings(uuid[], double precision[]);
DROP FUNCTION fieldmap._nearest_mappings(public.vector, text, integer, jsonb);
DROP FUNCTION fieldmap._search_filters(jsonb);
DROP INDEX fieldmap.idx_mapping_approved_canonical;
COMMIT;
