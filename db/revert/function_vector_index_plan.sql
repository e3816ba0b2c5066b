-- Revert fieldmap:function_vector_index_plan from pg
-- (the tenants' and connectors' indexes it planned go too: nothing else keeps them in step)
BEGIN;
SET LOCAL ROLE fieldmap_owner;
DO $$
DECLARE
  i text;
BEGIN
  FOR i IN SELECT c.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
            WHERE x.indrelid = 'fieldmap.mapping_embeddings'::regclass
              AND c.relname ~ fieldmap._vector_index_pattern() LOOP
    EXECUTE format('DROP INDEX fieldmap.%I', i);
  END LOOP;
END
$$;
DROP FUNCTION fieldmap.vector_index_plan();
DROP FUNCTION fieldmap._wants_own_index(boolean, bigint, double precision, boolean);
COMMIT;
