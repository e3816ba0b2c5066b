-- Verify fieldmap:view_canonical_fields on pg
BEGIN;
SELECT entity_name, field_name, registry_type, required, entity_description, entity_version, entity_schema_id
  FROM fieldmap.canonical_fields WHERE false;
SELECT count(*) FROM fieldmap.load_entities('{"verify_probe": {"description": "A probe.", "fields": {"verify_probe_id": "string!", "close_date": "datetime"}}}', '0.0.1');
DO $$
BEGIN
  ASSERT (SELECT array_agg(embedding_text ORDER BY field_name) FROM fieldmap.schema_embedding_texts
           WHERE entity_name = 'verify_probe') = ARRAY['verify probe: A probe.', 'close date', 'id'],
         'schema_embedding_texts does not give the entity''s and fields'' texts';
END
$$;
ROLLBACK;
