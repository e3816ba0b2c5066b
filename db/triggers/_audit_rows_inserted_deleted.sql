-- fieldmap._audit_rows_inserted_deleted() -- AFTER INSERT or AFTER DELETE,
-- FOR EACH STATEMENT, with the statement's rows as the transition table
-- new_rows (insert) or old_rows (delete); TG_ARGV[0] names the object type.
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
SET search_path = pg_catalog
SET extra_float_digits = 1  -- exact float text in JSON, whatever the client set
AS $$
DECLARE
  v_type   text := TG_ARGV[0];
  v_action text := coalesce(nullif(current_setting('fieldmap._audit_action', true), ''),
                            CASE TG_OP WHEN 'INSERT' THEN 'created' ELSE 'deleted' END);
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO fieldmap.mapping_audit_log
      (tenant_id, object_type, object_id, object_version, field_mapping_id, action,
       new_value, changed_by, change_reason, trace_id, ip_address, user_agent)
    SELECT CASE v_type WHEN 'tenant' THEN (r.j->>'id')::uuid
                       WHEN 'entity_schema' THEN '00000000-0000-0000-0000-000000000000'::uuid
                       ELSE (r.j->>'tenant_id')::uuid END,
           v_type, (r.j->>'id')::uuid, (r.j->>'version')::integer,
           CASE WHEN v_type = 'field_mapping' THEN (r.j->>'id')::uuid END,
           v_action, r.j,
           nullif(current_setting('fieldmap.actor_id', true), '')::uuid,
           nullif(current_setting('fieldmap.change_reason', true), ''),
           nullif(current_setting('fieldmap.trace_id', true), ''),
           inet_client_addr(), nullif(current_setting('application_name', true), '')
      FROM (SELECT to_jsonb(n) AS j FROM new_rows n) r;
  ELSE
    INSERT INTO fieldmap.mapping_audit_log
      (tenant_id, object_type, object_id, object_version, field_mapping_id, action,
       old_value, changed_by, change_reason, trace_id, ip_address, user_agent)
    SELECT CASE v_type WHEN 'tenant' THEN (r.j->>'id')::uuid
                       WHEN 'entity_schema' THEN '00000000-0000-0000-0000-000000000000'::uuid
                       ELSE (r.j->>'tenant_id')::uuid END,
           v_type, (r.j->>'id')::uuid, (r.j->>'version')::integer,
           CASE WHEN v_type = 'field_mapping' THEN (r.j->>'id')::uuid END,
           v_action, r.j,
           nullif(current_setting('fieldmap.actor_id', true), '')::uuid,
           nullif(current_setting('fieldmap.change_reason', true), ''),
           nullif(current_setting('fieldmap.trace_id', true), ''),
           inet_client_addr(), nullif(current_setting('application_name', true), '')
      FROM (SELECT to_jsonb(o) AS j FROM old_rows o) r;
  END IF;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION fieldmap._audit_rows_inserted_deleted() IS
  'Internal statement trigger: audits every row a statement inserted (created) or deleted (deleted), set-based from the transition table.';
