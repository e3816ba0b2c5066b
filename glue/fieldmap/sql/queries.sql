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
