-- Named queries of the fieldmap glue: each one a call of an API function or
-- a read of a view or the catalog, with explicit casts. Loaded once by
-- queries.py; rows come back as dicts keyed by the column names below.

-- name: load_entities
SELECT entity_name AS entity, entity_version AS version, action
  FROM fieldmap.load_entities(%(doc)s::json, %(version)s::text);

-- name: set_context
SELECT fieldmap.set_context(%(tenant)s::text, NULL::uuid, %(reason)s::text, %(trace)s::text) AS tenant_id;

-- name: import_mappings
SELECT fieldmap.import_mappings(%(connector)s::text, %(doc)s::jsonb,
                                mode => %(mode)s::text, partial => %(partial)s::boolean,
                                direction => %(direction)s::text, mapping_source => %(mapping_source)s::text,
                                change_reason => %(change_reason)s::text,
                                connector_type => %(connector_type)s::text, details => %(details)s::boolean) AS report;

-- name: export_mappings
SELECT fieldmap.export_mappings(%(connector)s::text) AS doc;

-- name: compare_mappings
SELECT entity, canonical_field AS field, difference, in_file, in_database
  FROM fieldmap.compare_mappings(%(connector)s::text, %(doc)s::jsonb, %(direction)s::text);

-- name: doc_problems
SELECT problem FROM fieldmap.parse_mapping_doc(%(doc)s::jsonb, %(direction)s::text)
 WHERE problem IS NOT NULL ORDER BY entity, field_key;

-- name: count_doc_entries
SELECT count(*) AS entries FROM fieldmap.parse_mapping_doc(%(doc)s::jsonb, %(direction)s::text) WHERE problem IS NULL;

-- name: new_connector
-- no row when the tenant has the connector; else the closest name it has (NULL for none);
-- a name that can be no connector's is refused first (check_handle raises)
SELECT fieldmap.closest_name(fieldmap.check_handle(%(connector)s::text, 'connector name'),
                             ARRAY(SELECT c.connector_name::text
                                     FROM fieldmap.connector_definitions c
                                    WHERE c.tenant_id = fieldmap.current_tenant_id())) AS closest
 WHERE NOT EXISTS (SELECT FROM fieldmap.connector_definitions c
                    WHERE c.tenant_id = fieldmap.current_tenant_id() AND c.connector_name = %(connector)s::text);

-- name: connector_names
SELECT connector_name::text AS connector
  FROM fieldmap.connector_definitions
 WHERE tenant_id = fieldmap.current_tenant_id()
 ORDER BY connector_name;

-- name: active_mapping_count
SELECT count(*) AS mappings FROM fieldmap.active_mappings WHERE connector_name = %(connector)s::text;

-- name: create_tenant
SELECT fieldmap.create_tenant(%(slug)s::text, %(name)s::text, '{}'::jsonb, %(if_not_exists)s::boolean) AS id;

-- name: list_tenants
SELECT slug, name, status, id::text AS id, connectors, mappings FROM fieldmap.list_tenants();

-- name: create_user
SELECT fieldmap.create_user(%(email)s::text, %(name)s::text, %(if_not_exists)s::boolean)::text AS id;

-- name: list_users
SELECT u.id::text AS id, u.email::text AS email, u.display_name::text AS name, u.status::text AS status
  FROM fieldmap.users u
 WHERE u.tenant_id = fieldmap.current_tenant_id()
 ORDER BY u.email;

-- name: mapping_version
-- a mapping's current version in the session tenant (none: deleted)
SELECT f.version FROM fieldmap.field_mappings f WHERE f.id = %(mapping)s::uuid;

-- name: context_tenant_slug
-- the session tenant's slug, however the command named it (slug or id)
SELECT t.slug::text AS slug FROM fieldmap.tenants t WHERE t.id = fieldmap.current_tenant_id();

-- name: target_source
-- the source a connector's active mapping of a canonical field reads now (none: a new target), for accept to name what it replaces
SELECT a.source_table::text AS source_table, a.source_field::text AS source_field
  FROM fieldmap.active_mappings a
 WHERE a.connector_name = %(connector)s::text AND a.canonical_entity = %(entity)s::text
   AND a.canonical_field = %(field)s::text;

-- name: find_mapping
SELECT fieldmap.find_mapping(%(connector)s::text, %(field)s::text)::text AS id;

-- name: mapping_history
SELECT version, action::text AS action, changed_at, changed_by::text AS changed_by, change_reason, trace_id,
       fields_changed, mapping
  FROM fieldmap.mapping_history(%(mapping)s::uuid)
 ORDER BY seq;

-- name: restore_mapping_version
SELECT fieldmap.restore_mapping_version(%(mapping)s::uuid, %(version)s::integer) AS version;

-- name: seal_audit_chain
SELECT fieldmap.seal_audit_chain(%(tenant)s::text) AS sealed;

-- name: verify_audit_chain
SELECT t.slug::text AS tenant, v.ok, v.checked, v.unsealed, v.first_broken_pos, v.problem
  FROM fieldmap.verify_audit_chain(%(tenant)s::text, %(seal)s::boolean) v
  JOIN fieldmap.tenants t ON t.id = v.tenant_id;

-- name: verify_all_audit_chains
SELECT t.slug::text AS tenant, v.ok, v.checked, v.unsealed, v.first_broken_pos, v.problem
  FROM fieldmap.tenants t
 CROSS JOIN LATERAL fieldmap.verify_audit_chain(t.id::text, %(seal)s::boolean) v
 ORDER BY t.slug;

-- name: check_connector
SELECT fieldmap.connector_id(%(connector)s::text)::text AS id;

-- name: lineage_grid
SELECT source_system::text AS source_system, source_table::text AS source_table, source_field::text AS source_field,
       target_entity::text AS target_entity, target_field::text AS target_field, mapping_type::text AS mapping_type,
       confidence_score, validation_status::text AS validation_status
  FROM fieldmap.lineage_grid
 WHERE %(connector)s::text IS NULL OR source_system = %(connector)s::text
 ORDER BY source_system, target_entity, target_field
 LIMIT %(limit)s::integer;

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
 WHERE extname IN ('vector', 'pg_cron', 'pg_trgm', 'fuzzystrmatch', 'plpgsql')
 ORDER BY extname;

-- name: server
SELECT current_setting('server_version') AS server_version,
       current_database()::text AS database,
       to_regnamespace('fieldmap') IS NOT NULL AS deployed,
       to_regnamespace('sqitch') IS NOT NULL AND has_schema_privilege('sqitch', 'USAGE') AS sqitch;

-- name: cron_database
SELECT current_setting('cron.database_name', true) AS cron_database;

-- name: per_tenant_counts
SELECT t.slug::text AS slug,
       count(DISTINCT c.id) AS connectors,
       count(f.id) FILTER (WHERE f.status = 'active') AS active_mappings,
       -- of the default model, the one search and suggestions read
       (SELECT count(*) FROM fieldmap.mapping_embeddings e
         WHERE e.tenant_id = t.id AND e.embedding_model = fieldmap.default_embedding_model()
           AND e.embedding_vector IS NOT NULL) AS embeddings,
       -- stored by fieldmap embed, not yet in the HNSW indexes (pg_cron's index-embeddings job), of any model
       (SELECT count(*) FROM fieldmap.mapping_embeddings e WHERE e.tenant_id = t.id AND NOT e.indexed) AS to_index,
       (SELECT count(*) FROM fieldmap.mappings_to_embed p
         WHERE p.tenant_id = t.id AND p.embedding_model = fieldmap.default_embedding_model()) AS to_embed,
       (SELECT count(*) FROM fieldmap.mv_mapping_lineage_grid g WHERE g.tenant_id = t.id) AS grid_rows,
       (SELECT count(*) FROM fieldmap.audit_log a WHERE a.tenant_id = t.id
           AND NOT EXISTS (SELECT FROM fieldmap.audit_chain ch WHERE ch.tenant_id = a.tenant_id AND ch.audit_id = a.id))
         AS unsealed_audit_rows
  FROM fieldmap.tenants t
  LEFT JOIN fieldmap.connector_definitions c ON c.tenant_id = t.id
  LEFT JOIN fieldmap.field_mappings f ON f.tenant_id = c.tenant_id AND f.connector_id = c.id
 GROUP BY t.id, t.slug
 ORDER BY t.slug;

-- name: pg_cron_installed
SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_cron') AS installed;

-- name: cron_jobs_defined
SELECT name, schedule, command, description FROM fieldmap.cron_jobs() ORDER BY name;

-- name: cron_jobs_installed
SELECT j.jobid, j.jobname::text AS name, j.schedule::text AS schedule, j.command::text AS command, j.active,
       j.database::text AS database, r.status::text AS last_status, r.start_time AS last_start,
       r.return_message::text AS last_message
  FROM cron.job j
  LEFT JOIN LATERAL (SELECT d.status, d.start_time, d.return_message FROM cron.job_run_details d
                      WHERE d.jobid = j.jobid ORDER BY d.start_time DESC NULLS LAST LIMIT 1) r ON true
 WHERE j.database = %(database)s::text AND j.jobname LIKE 'fieldmap-%%@' || %(database)s::text
 ORDER BY j.jobname;

-- name: cron_schedule
SELECT cron.schedule_in_database(%(name)s::text, %(schedule)s::text, %(command)s::text, %(database)s::text) AS jobid;

-- name: cron_alter
SELECT cron.alter_job(%(jobid)s::bigint, %(schedule)s::text, %(command)s::text, %(database)s::text, NULL, true);

-- name: cron_unschedule
SELECT cron.unschedule(%(jobid)s::bigint) AS removed;

-- name: cron_runs
SELECT j.jobname::text AS job, d.status::text AS status, d.start_time, d.end_time,
       d.return_message::text AS message
  FROM cron.job_run_details d
  JOIN cron.job j ON j.jobid = d.jobid
 WHERE j.database = %(database)s::text AND j.jobname LIKE 'fieldmap-%%@' || %(database)s::text
 ORDER BY d.status = 'failed' DESC, d.start_time DESC NULLS LAST
 LIMIT %(limit)s::integer;

-- name: grid_status
SELECT stale, last_refresh_at, last_duration_ms, last_rows, refreshes FROM fieldmap.grid_status();

-- name: session_lock
SELECT pg_try_advisory_lock(hashtext(%(key)s::text)) AS locked;

-- name: session_unlock
SELECT pg_advisory_unlock(hashtext(%(key)s::text)) AS unlocked;

-- name: pending_embedding_count
SELECT fieldmap.pending_embedding_count(%(model)s::text) AS pending;

-- name: schema_embeddings_missing
SELECT missing, may_store FROM fieldmap.schema_embeddings_missing(coalesce(%(model)s::text, fieldmap.default_embedding_model()));

-- name: mappings_without_vector
-- what suggestions cannot draw on yet: the session tenant's mappings without a vector of the model
SELECT count(*) AS pending
  FROM fieldmap.mappings_to_embed p
 WHERE p.tenant_id = fieldmap.current_tenant_id() AND p.embedding_model = %(model)s::text;

-- name: pending_embeddings
SELECT kind, key, embedding_text, content_hash
  FROM fieldmap.pending_embeddings(%(model)s::text, %(batch_size)s::integer, %(after)s::text);

-- name: put_embeddings
-- vectors travel in binary (the b placeholders): as text, psycopg spends about 0.2 s formatting 512 of them
SELECT stored, ignored
  FROM fieldmap.put_embeddings(%(model)s::text, %(kinds)s::text[], %(keys)s::text[], %(hashes)s::text[],
                               %(vectors)b::public.vector[]);

-- name: embedding_texts
SELECT fieldmap.embedding_text(%(table)s::text, f) AS text
  FROM unnest(%(fields)s::text[]) WITH ORDINALITY AS x(f, n) ORDER BY n;

-- name: table_words
SELECT fieldmap.name_words(%(table)s::text) AS words;

-- name: name_words
SELECT fieldmap.name_words(%(text)s::text) AS words;

-- name: search_filters
-- the filters checked (as search_similar checks them) before the model loads, about 8 s: a typo is named at once
SELECT fieldmap._search_filters(%(filters)s::jsonb) AS filters;

-- name: search_similar
SELECT id::text AS id, round(similarity::numeric, 4)::float AS similarity, connector, source_table, source_field,
       canonical_entity, canonical_field, status, confidence_score, mapping_source
  FROM fieldmap.search_similar(%(query)b::public.vector, %(k)s::integer, %(filters)s::jsonb);

-- name: suggest_fields
SELECT source_field, rank, target, confidence, evidence
  FROM fieldmap.suggest_fields(%(connector)s::text, %(table)s::text, %(fields)s::text[], %(types)s::text[],
                               %(vectors)b::public.vector[], %(table_vector)b::public.vector, %(k)s::integer);

-- name: propose_mappings
SELECT item, source_table, source_field, verdict, target, confidence, evidence, candidates, taken_by, replaces
  FROM fieldmap.propose_mappings(%(connector)s::text, %(tables)s::text[], %(fields)s::text[], %(types)s::text[],
                                 %(vectors)b::public.vector[], %(table_vectors)b::public.vector[], %(k)s::integer);

-- name: may_store_embeddings
SELECT has_function_privilege('fieldmap.put_embeddings(text, text[], text[], text[], public.vector[])', 'EXECUTE') AS may,
       current_user AS role;

-- name: embedding_model
SELECT name, dims FROM fieldmap.embedding_models WHERE name = %(model)s::text;

-- name: vector_index_plan
SELECT action, tenant, connector, model, vectors, round(share::numeric, 4)::float AS share, index_name, statement
  FROM fieldmap.vector_index_plan();

-- name: eval_label_problems
-- labels of an evaluation set that can never be right: a target that is no
-- canonical field (with the nearest that is), a connector that is no handle
WITH targets AS (SELECT entity_name || '.' || field_name AS target FROM fieldmap.canonical_fields)
SELECT l.n, l.kind, l.value,
       CASE WHEN l.kind = 'target' THEN fieldmap.closest_name(l.value, ARRAY(SELECT target FROM targets)) END AS closest
  FROM unnest(%(items)s::integer[], %(kinds)s::text[], %(labels)s::text[]) AS l(n, kind, value)
 WHERE (l.kind = 'target' AND l.value NOT IN (SELECT target FROM targets))
    OR (l.kind = 'connector' AND NOT fieldmap.is_handle(l.value))
 ORDER BY l.n, l.kind;

-- name: owner_reads_every_tenant
-- the owner's all-tenants mode for this transaction (ignored for any other role)
SELECT set_config('fieldmap._all_tenants', 'on', true);
