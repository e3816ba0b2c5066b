-- Named queries of the fieldmap glue: each one a call of an API function or
-- a read of the catalog, with explicit casts. Loaded once by queries.py.

-- name: load_entities
SELECT entity_name, entity_version, action
  FROM fieldmap.load_entities(%(doc)s::json, %(version)s::text);

-- name: sqitch_changes
SELECT change, committed_at
  FROM sqitch.changes
 WHERE project = 'fieldmap'
 ORDER BY committed_at;

-- name: fieldmap_tables
SELECT c.relname::text AS name,
       CASE c.relkind WHEN 'm' THEN 'materialized view' ELSE 'table' END AS kind
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'fieldmap' AND c.relkind IN ('r', 'p', 'm')
 ORDER BY c.relname;

-- name: extensions
SELECT extname::text AS name, extversion::text AS version
  FROM pg_extension
 WHERE extname IN ('vector', 'pg_cron', 'pg_trgm', 'plpgsql')
 ORDER BY extname;

-- name: server
SELECT current_setting('server_version') AS server_version,
       current_database()::text AS database,
       current_setting('cron.database_name', true) AS cron_database;

-- name: set_context
SELECT fieldmap.set_context(%(tenant)s::text, NULL::uuid, %(reason)s::text, %(trace)s::text);

-- name: import_mappings
SELECT fieldmap.import_mappings(%(connector)s::text, %(doc)s::jsonb, %(options)s::jsonb);

-- name: export_mappings
SELECT fieldmap.export_mappings(%(connector)s::text);

-- name: compare_mappings
SELECT entity, canonical_field, difference, in_file, in_database
  FROM fieldmap.compare_mappings(%(connector)s::text, %(doc)s::jsonb, %(direction)s::text);

-- name: connector_names
SELECT connector_name::text
  FROM fieldmap.connector_definitions
 WHERE tenant_id = fieldmap.current_tenant_id()
 ORDER BY connector_name;

-- name: active_mapping_count
SELECT count(*)
  FROM fieldmap.field_mappings f
  JOIN fieldmap.connector_definitions c ON c.tenant_id = f.tenant_id AND c.id = f.connector_id
 WHERE f.tenant_id = fieldmap.current_tenant_id() AND c.connector_name = %(connector)s::text
   AND f.status = 'active' AND f.connection_id IS NULL;

-- name: create_tenant
SELECT fieldmap.create_tenant(%(slug)s::text, %(name)s::text, '{}'::jsonb, %(if_not_exists)s::boolean);

-- name: list_tenants
SELECT t.slug::text, t.name::text, t.status::text, t.id,
       (SELECT count(*) FROM fieldmap.connector_definitions c WHERE c.tenant_id = t.id) AS connectors,
       (SELECT count(*) FROM fieldmap.field_mappings f WHERE f.tenant_id = t.id AND f.status = 'active') AS mappings
  FROM fieldmap.tenants t
 ORDER BY t.slug;

-- name: refresh_grid
SELECT fieldmap.refresh_lineage_grid();

-- name: lineage_sample
SELECT source_system::text, source_table::text, source_field::text, target_entity::text, target_field::text,
       mapping_type::text
  FROM fieldmap.mv_mapping_lineage_grid
 WHERE tenant_id = fieldmap.current_tenant_id()
 ORDER BY source_system, target_entity, target_field
 LIMIT %(limit)s;

-- name: per_tenant_counts
SELECT t.slug::text,
       count(DISTINCT c.id) AS connectors,
       count(f.id) FILTER (WHERE f.status = 'active') AS active_mappings,
       count(f.id) FILTER (WHERE f.status = 'active' AND NOT EXISTS (
         SELECT FROM fieldmap.mapping_embeddings e WHERE e.tenant_id = f.tenant_id AND e.field_mapping_id = f.id
           AND e.embedding_vector IS NOT NULL)) AS embeddings_pending,
       (SELECT count(*) FROM fieldmap.mv_mapping_lineage_grid g WHERE g.tenant_id = t.id) AS grid_rows
  FROM fieldmap.tenants t
  LEFT JOIN fieldmap.connector_definitions c ON c.tenant_id = t.id
  LEFT JOIN fieldmap.field_mappings f ON f.tenant_id = c.tenant_id AND f.connector_id = c.id
 GROUP BY t.id, t.slug
 ORDER BY t.slug;

-- name: cron_jobs
SELECT jobname::text, schedule::text, command::text, active FROM cron.job ORDER BY jobname;
