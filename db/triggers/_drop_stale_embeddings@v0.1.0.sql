-- fieldmap._drop_stale_embeddings(): AFTER UPDATE OF source_table,
-- source_field ON field_mappings, per row, when either changed.
-- A mapping's vector is computed from embedding_text(source_table,
-- source_field); when that text's hash changes, the vectors of every model
-- describe a name the mapping no longer has: they go, and the mapping is
-- pending again (pending_embeddings finds it without recomputing every
-- mapping's text, which would make each `fieldmap embed` run read a whole
-- tenant). A rename that leaves the text as it was (Deal.Name -> Deals.Name)
-- keeps them.
CREATE OR REPLACE FUNCTION fieldmap._drop_stale_embeddings()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  DELETE FROM fieldmap.mapping_embeddings e
   WHERE e.tenant_id = NEW.tenant_id AND e.field_mapping_id = NEW.id
     AND e.content_hash IS DISTINCT FROM md5(fieldmap.embedding_text(NEW.source_table, NEW.source_field));
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION fieldmap._drop_stale_embeddings() IS
  'Trigger: removes a mapping''s vectors whose content hash is no longer that of its embedding_text, so that it is pending again.';
