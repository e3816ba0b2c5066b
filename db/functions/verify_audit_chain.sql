-- fieldmap.verify_audit_chain(tenant text DEFAULT NULL, seal boolean DEFAULT true)
--   -> (tenant_id, ok, checked, unsealed, first_broken_pos, problem)
-- Checks one tenant's chain (default: the session's tenant) from its purge
-- checkpoint to its head, set-based: every position present and in order,
-- every chain hash = sha256(previous || row hash), every audit row present
-- and hashing to its recorded row hash, personal data matching its digest
-- unless erased, the tip matching the head, and no row older than the
-- sealer's horizon left outside the chain (inserted behind its back).
-- Seals first by default, so that recent rows are covered too.
CREATE OR REPLACE FUNCTION fieldmap.verify_audit_chain(tenant text DEFAULT NULL, seal boolean DEFAULT true)
RETURNS TABLE (tenant_id uuid, ok boolean, checked bigint, unsealed bigint, first_broken_pos bigint, problem text)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
DECLARE
  v_saved  text := current_setting('fieldmap.tenant_id', true);
  v_tenant uuid := CASE WHEN tenant IS NULL THEN fieldmap.current_tenant_id() ELSE fieldmap._resolve_tenant(tenant) END;
  v_head   fieldmap.audit_chain_heads;
  v_last   record;
BEGIN
  PERFORM set_config('fieldmap.tenant_id', v_tenant::text, true);
  IF seal THEN
    PERFORM fieldmap._seal_tenant_chain(v_tenant);
  END IF;
  tenant_id := v_tenant;
  SELECT * INTO v_head FROM fieldmap.audit_chain_heads h WHERE h.tenant_id = v_tenant;
  IF NOT FOUND THEN
    v_head.last_pos := 0;
    v_head.last_hash := fieldmap._audit_genesis(v_tenant);
    v_head.checkpoint_pos := 0;
    v_head.checkpoint_hash := v_head.last_hash;
    v_head.horizon := '0';
  END IF;

  WITH chain AS (
    SELECT c.*, lag(c.chain_pos) OVER w AS prev_pos, lag(c.chain_hash) OVER w AS prev_hash
      FROM fieldmap.audit_chain c
     WHERE c.tenant_id = v_tenant AND c.chain_pos > v_head.checkpoint_pos
    WINDOW w AS (ORDER BY c.chain_pos)
  ), judged AS (
    SELECT ch.chain_pos,
           CASE
             WHEN ch.chain_pos <> coalesce(ch.prev_pos, v_head.checkpoint_pos) + 1
               THEN format('chain entries missing before position %s', ch.chain_pos)
             WHEN ch.chain_hash <> sha256(coalesce(ch.prev_hash, v_head.checkpoint_hash) || ch.row_hash)
               THEN format('chain hash mismatch at position %s', ch.chain_pos)
             WHEN a.id IS NULL
               THEN format('audit row %s (position %s) is missing', ch.audit_id, ch.chain_pos)
             WHEN fieldmap._audit_row_hash(a, ch.personal_digest) <> ch.row_hash
               THEN format('audit row %s (position %s) was altered', ch.audit_id, ch.chain_pos)
             WHEN a.erased_at IS NULL AND fieldmap._audit_personal_digest(a) <> ch.personal_digest
               THEN format('personal data of audit row %s (position %s) was altered', ch.audit_id, ch.chain_pos)
           END AS problem
      FROM chain ch
      LEFT JOIN fieldmap.mapping_audit_log a ON a.tenant_id = v_tenant AND a.id = ch.audit_id
  )
  SELECT count(*), min(j.chain_pos) FILTER (WHERE j.problem IS NOT NULL)
    INTO checked, first_broken_pos
    FROM judged j;

  IF first_broken_pos IS NOT NULL THEN
    -- second, cheap pass for the message of the first broken link only
    SELECT j2.problem INTO problem FROM (
      SELECT ch.chain_pos,
             CASE
               WHEN ch.chain_pos <> coalesce(lag(ch.chain_pos) OVER w, v_head.checkpoint_pos) + 1
                 THEN format('chain entries missing before position %s', ch.chain_pos)
               WHEN ch.chain_hash <> sha256(coalesce(lag(ch.chain_hash) OVER w, v_head.checkpoint_hash) || ch.row_hash)
                 THEN format('chain hash mismatch at position %s', ch.chain_pos)
               WHEN a.id IS NULL THEN format('audit row %s (position %s) is missing', ch.audit_id, ch.chain_pos)
               WHEN fieldmap._audit_row_hash(a, ch.personal_digest) <> ch.row_hash
                 THEN format('audit row %s (position %s) was altered', ch.audit_id, ch.chain_pos)
               ELSE format('personal data of audit row %s (position %s) was altered', ch.audit_id, ch.chain_pos)
             END AS problem
        FROM fieldmap.audit_chain ch
        LEFT JOIN fieldmap.mapping_audit_log a ON a.tenant_id = v_tenant AND a.id = ch.audit_id
       WHERE ch.tenant_id = v_tenant AND ch.chain_pos > v_head.checkpoint_pos
         AND ch.chain_pos BETWEEN first_broken_pos - 1 AND first_broken_pos
      WINDOW w AS (ORDER BY ch.chain_pos)) j2
     WHERE j2.chain_pos = first_broken_pos;
  ELSE
    SELECT c.chain_pos, c.chain_hash INTO v_last FROM fieldmap.audit_chain c
     WHERE c.tenant_id = v_tenant ORDER BY c.chain_pos DESC LIMIT 1;
    IF coalesce(v_last.chain_pos, v_head.checkpoint_pos) <> v_head.last_pos
       OR (v_last.chain_pos IS NOT NULL AND v_last.chain_hash <> v_head.last_hash) THEN
      first_broken_pos := coalesce(v_last.chain_pos, v_head.checkpoint_pos) + 1;
      problem := format('chain ends at position %s but its head says %s', coalesce(v_last.chain_pos, v_head.checkpoint_pos), v_head.last_pos);
    END IF;
  END IF;

  SELECT count(*) INTO unsealed FROM fieldmap.mapping_audit_log a
   WHERE a.tenant_id = v_tenant
     AND NOT EXISTS (SELECT FROM fieldmap.audit_chain c WHERE c.tenant_id = v_tenant AND c.audit_id = a.id);
  IF problem IS NULL AND EXISTS (
       SELECT FROM fieldmap.mapping_audit_log a
        WHERE a.tenant_id = v_tenant AND a.txid < v_head.horizon
          AND NOT EXISTS (SELECT FROM fieldmap.audit_chain c WHERE c.tenant_id = v_tenant AND c.audit_id = a.id)) THEN
    problem := 'audit rows older than the last seal are outside the chain (written behind the sealer''s back)';
  END IF;

  ok := problem IS NULL;
  PERFORM set_config('fieldmap.tenant_id', coalesce(v_saved, ''), true);
  RETURN NEXT;
END
$$;

COMMENT ON FUNCTION fieldmap.verify_audit_chain(text, boolean) IS
  'Verifies a tenant''s audit hash chain (default: the session''s tenant; seals first unless seal => false). Returns ok, rows checked, rows not yet sealed, and the first broken position with what is wrong there.';
