-- fieldmap.erase_user(user_id uuid) -> jsonb (what was pseudonymised)
-- GDPR erasure of a user of the session's tenant: the users row loses its
-- email and name (status erased); audit rows lose the client address and
-- user agent of that user's sessions, and rows about the user lose its
-- values. The user id stays as a pseudonym, so history still tells which
-- changes one (now anonymous) person made. The chain still verifies: row
-- hashes cover personal data only through digests taken at sealing. The
-- erasure itself is audited (action erased, no personal values).
-- SECURITY INVOKER: owner only (a DBA acting on a request); the owner's rights suffice.
CREATE OR REPLACE FUNCTION fieldmap.erase_user(user_id uuid)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_tenant   uuid := fieldmap.current_tenant_id();
  v_sessions bigint;
  v_about    bigint;
BEGIN
  IF NOT EXISTS (SELECT FROM fieldmap.users u WHERE u.tenant_id = v_tenant AND u.id = user_id) THEN
    RAISE EXCEPTION 'no user % in tenant %', user_id, v_tenant USING ERRCODE = 'MR004';
  END IF;
  -- rows written before now are sealed with digests of their current content first
  PERFORM fieldmap._seal_tenant_chain(v_tenant);

  PERFORM set_config('fieldmap._audit_action', 'erased', true);
  UPDATE fieldmap.users u
     SET email = 'erased-' || left(md5(u.id::text), 12) || '@erased.invalid', display_name = NULL, status = 'erased'
   WHERE u.tenant_id = v_tenant AND u.id = user_id;
  PERFORM set_config('fieldmap._audit_action', '', true);

  PERFORM set_config('fieldmap._erase', 'on', true);
  UPDATE fieldmap.audit_log a
     SET ip_address = NULL, user_agent = NULL, erased_at = now()
   WHERE a.tenant_id = v_tenant AND a.changed_by = user_id AND (a.ip_address IS NOT NULL OR a.user_agent IS NOT NULL);
  GET DIAGNOSTICS v_sessions = ROW_COUNT;
  UPDATE fieldmap.audit_log a
     SET old_value = CASE WHEN a.field_changed IS NULL THEN fieldmap._erase_user_values(a.old_value)
                          WHEN a.field_changed IN ('email', 'display_name') THEN '"<erased>"' ELSE a.old_value END,
         new_value = CASE WHEN a.field_changed IS NULL THEN fieldmap._erase_user_values(a.new_value)
                          WHEN a.field_changed IN ('email', 'display_name') THEN '"<erased>"' ELSE a.new_value END,
         erased_at = now()
   WHERE a.tenant_id = v_tenant AND a.object_type = 'user' AND a.object_id = user_id AND a.action <> 'erased';
  GET DIAGNOSTICS v_about = ROW_COUNT;
  PERFORM set_config('fieldmap._erase', '', true);

  RETURN jsonb_build_object('user_id', user_id, 'audit_rows_of_sessions', v_sessions, 'audit_rows_about_user', v_about);
END
$$;

CREATE OR REPLACE FUNCTION fieldmap._erase_user_values(v jsonb)
RETURNS jsonb
LANGUAGE sql
IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN v IS NULL OR jsonb_typeof(v) <> 'object' THEN v
              ELSE v || (SELECT coalesce(jsonb_object_agg(k, '"<erased>"'::jsonb), '{}')
                           FROM unnest(ARRAY['email', 'display_name']) k WHERE v ? k)
         END
$$;

COMMENT ON FUNCTION fieldmap.erase_user(uuid) IS
  'GDPR erasure of a user of the session''s tenant: pseudonymises the users row and every personal value in the audit log, keeps the hash chain verifiable, and audits the erasure. Returns counts.';
COMMENT ON FUNCTION fieldmap._erase_user_values(jsonb) IS 'Internal: a users row as JSON with email and display_name replaced by "<erased>".';
