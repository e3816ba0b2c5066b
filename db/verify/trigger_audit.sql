-- Verify fieldmap:trigger_audit on pg
BEGIN;
DO $$
DECLARE
  t text;
BEGIN
  ASSERT (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'fieldmap.field_mappings'::regclass AND tgenabled = 'O'
            AND tgname IN ('_50_audit_insert', '_50_audit_update', '_50_audit_delete')) = 3,
         'audit triggers missing or disabled on field_mappings';
  ASSERT (SELECT prosecdef AND 'search_path=pg_catalog, pg_temp' = ANY (proconfig) AND 'enable_nestloop=off' = ANY (proconfig)
            FROM pg_proc WHERE oid = 'fieldmap._audit_mappings_updated()'::regprocedure),
         '_audit_mappings_updated must be SECURITY DEFINER with a pinned search_path and no nested loops';
  -- (not by running it: a number drawn in a probe stays drawn)
  ASSERT pg_get_functiondef('fieldmap._audit_mappings_updated()'::regprocedure)
           LIKE '%PERFORM nextval(''fieldmap.grid_changes'')%',
         '_audit_mappings_updated does not mark the lineage grid stale (fieldmap.grid_changes)';
  FOREACH t IN ARRAY ARRAY['connector_definitions', 'entity_schemas', 'users', 'tenants', 'tenant_members'] LOOP
    ASSERT (SELECT count(*) FROM pg_trigger WHERE tgname LIKE '\_50\_audit%' AND tgenabled = 'O'
              AND tgrelid = ('fieldmap.' || t)::regclass) = 3,
           format('audit triggers missing or disabled on %s', t);
  END LOOP;
  ASSERT (SELECT prosecdef AND proconfig IS NOT NULL FROM pg_proc WHERE oid = 'fieldmap._audit_row()'::regprocedure),
         '_audit_row must be SECURITY DEFINER with a pinned search_path';
  ASSERT (SELECT prosecdef AND proconfig IS NOT NULL FROM pg_proc
           WHERE oid = 'fieldmap._audit_rows_inserted_deleted()'::regprocedure),
         '_audit_rows_inserted_deleted must be SECURITY DEFINER with a pinned search_path';
END
$$;
-- real audited writes (per statement and per row), rolled back
INSERT INTO fieldmap.tenants (slug, name) VALUES ('verify-probe', 'probe');
UPDATE fieldmap.tenants SET name = 'probe 2' WHERE slug = 'verify-probe';
DO $$
BEGIN
  ASSERT EXISTS (SELECT FROM fieldmap.audit_log a JOIN fieldmap.tenants t ON t.id = a.tenant_id
                  WHERE t.slug = 'verify-probe' AND a.action = 'created' AND a.object_type = 'tenant'),
         'an inserted tenant was not audited';
  ASSERT EXISTS (SELECT FROM fieldmap.audit_log a JOIN fieldmap.tenants t ON t.id = a.tenant_id
                  WHERE t.slug = 'verify-probe' AND a.action = 'updated' AND a.field_changed = 'name'),
         'an updated tenant was not audited';
END
$$;
-- and a mapping: stamped per row, audited per statement
INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)
SELECT id, 'verify-probe', 'file' FROM fieldmap.tenants WHERE slug = 'verify-probe';
SELECT count(*) FROM fieldmap.load_entities('{"verify_probe": {"fields": {"f": "string"}}}', '0.0.1');
INSERT INTO fieldmap.field_mappings
  (tenant_id, connector_id, entity_schema_id, source_table, source_field, canonical_entity, canonical_field)
SELECT t.id, c.id, e.id, 'T', 'F', 'verify_probe', 'f'
  FROM fieldmap.tenants t
  JOIN fieldmap.connector_definitions c ON c.tenant_id = t.id
  JOIN fieldmap.entity_schemas e ON e.entity_name = 'verify_probe'
 WHERE t.slug = 'verify-probe';
UPDATE fieldmap.field_mappings SET notes = 'probe' WHERE canonical_entity = 'verify_probe';
DO $$
BEGIN
  ASSERT EXISTS (SELECT FROM fieldmap.audit_log a JOIN fieldmap.field_mappings m ON m.id = a.object_id
                  WHERE m.canonical_entity = 'verify_probe' AND m.version = 2
                    AND a.object_type = 'field_mapping' AND a.action = 'updated' AND a.field_changed = 'notes'
                    AND a.object_version = 2 AND a.new_value = '"probe"'),
         'a mapping update was not audited per column';
END
$$;
ROLLBACK;
