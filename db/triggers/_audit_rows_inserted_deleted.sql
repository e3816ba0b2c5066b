-- fieldmap._audit_rows_inserted_deleted() -- AFTER INSERT or AFTER DELETE,
-- FOR EACH STATEMENT, with the statement's rows as the transition table
-- new_rows (insert) or old_rows (delete); TG_ARGV[0] names the object type.
-- Used for every audited table: inserts and deletes come in bulk (imports).
-- One audit row per inserted row (action created, new_value = the whole
-- row) or deleted row (deleted, old_value = the whole row), written in one
-- set-based INSERT: an import of 100,000 mappings writes its audit rows at
-- once instead of one statement per row (bench/bench_import.py).
-- fieldmap._audit_action overrides the action (restored).
-- SECURITY DEFINER: app roles cannot write the log themselves.
CREATE OR REPLACE FUNCTION fieldmap._audit_rows_inserted_deleted()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET extra_float_digits = 1  -- exact float text in JSON, whatever the client set
AS $$
BEGIN
  -- one statement for both events: only the transition table and the value
  -- column differ, so they are named through format(%I)
  EXECUTE format($sql$
    INSERT INTO fieldmap.audit_log
      (tenant_id, object_type, object_id, object_version, action,
       %I, changed_by, change_reason, trace_id, ip_address, user_agent)
    SELECT CASE $1 WHEN 'tenant' THEN (r.j->>'id')::uuid
                   WHEN 'entity_schema' THEN '00000000-0000-0000-0000-000000000000'::uuid
                   ELSE (r.j->>'tenant_id')::uuid END,
           $1, (r.j->>'id')::uuid, (r.j->>'version')::integer,
           $2, r.j,
           nullif(current_setting('fieldmap.actor_id', true), '')::uuid,
           nullif(current_setting('fieldmap.change_reason', true), ''),
           nullif(current_setting('fieldmap.trace_id', true), ''),
           inet_client_addr(), nullif(current_setting('application_name', true), '')
      FROM (SELECT to_jsonb(t) AS j FROM %I t) r
    $sql$,
    CASE TG_OP WHEN 'INSERT' THEN 'new_value' ELSE 'old_value' END,
    CASE TG_OP WHEN 'INSERT' THEN 'new_rows' ELSE 'old_rows' END)
  USING TG_ARGV[0],
        coalesce(nullif(current_setting('fieldmap._audit_action', true), ''),
                 CASE TG_OP WHEN 'INSERT' THEN 'created' ELSE 'deleted' END);
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION fieldmap._audit_rows_inserted_deleted() IS
  'Internal statement trigger: audits every row a statement inserted (created) or deleted (deleted), set-based from the transition table.';
