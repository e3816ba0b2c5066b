-- Verify fieldmap:type_mapping_entry on pg
BEGIN;
DO $$
BEGIN
  ASSERT (SELECT count(*) FROM pg_attribute
           WHERE attrelid = (SELECT typrelid FROM pg_type WHERE oid = 'fieldmap.mapping_entry'::regtype)
            AND attname IN ('entity', 'canonical_field', 'source_field', 'problem', 'mapping_id', 'action')) = 6,
         'fieldmap.mapping_entry lacks attributes';
END
$$;
ROLLBACK;
