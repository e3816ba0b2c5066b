-- fieldmap.verify_audit_chain(tenant text DEFAULT NULL, seal boolean DEFAULT true)
--   -> (tenant_id, ok, checked, unsealed, first_broken_pos, problem)
-- Checks one tenant's chain (default: the session's tenant) from its purge
-- checkpoint to its head: every position present and in order, every chain
-- hash = sha256(previous || row hash), every audit row present and hashing
-- to its recorded row hash, personal data matching its digest unless
-- erased, the tip matching the head, and no row older than the sealer's
-- horizon left outside the chain (slipped in behind its back).
-- Set-based, in three passes: the links (chain table only, in key order),
-- the rows (a join the planner may run in parallel), the unsealed rows.
-- Seals first by default, so that recent rows are covered too.
CREATE OR REPLACE FUNCTION fieldmap.verify_audit_chain(tenant text DEFAULT NULL, seal boolean DEFAULT true)
RETURNS TABLE (tenant_id uuid, ok boolean, checked bigint, unsealed bigint, first_broken_pos bigint, problem text)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_saved     text := current_setting('fieldmap.tenant_id', true);
  v_tenant    uuid := CASE WHEN tenant IS NULL THEN fieldmap.current_tenant_id() ELSE fieldmap._resolve_tenant(tenant) END;
  v_head      fieldmap.audit_chain_heads;
  v_link_bad  bigint;
  v_row_bad   bigint;
  v_last      record;
  v_behind    bigint;
BEGIN
  PERFORM set_config('fieldmap.tenant_id', v_tenant::text, true);
  IF seal THEN
    PERFORM fieldmap._seal_tenant_chain(v_tenant);
  END IF;
  tenant_id := v_tenant;
  SELECT * INTO v_head FROM fieldmap.audit_chain_heads h WHERE h.tenant_id = v_tenant;
  IF NOT FOUND THEN
    v_head := ROW(v_tenant, 0, fieldmap._audit_genesis(v_tenant), '0'::xid8, 0, fieldmap._audit_genesis(v_tenant), NULL);
  END IF;

  -- 1. links: positions without gaps, each hash chained to its predecessor
  SELECT count(*), min(l.chain_pos) FILTER (WHERE l.bad) INTO checked, v_link_bad
    FROM (SELECT c.chain_pos,
                 c.chain_pos <> coalesce(lag(c.chain_pos) OVER w, v_head.checkpoint_pos) + 1
                 OR c.chain_hash <> sha256(coalesce(lag(c.chain_hash) OVER w, v_head.checkpoint_hash) || c.row_hash) AS bad
            FROM fieldmap.audit_chain c
           WHERE c.tenant_id = v_tenant AND c.chain_pos > v_head.checkpoint_pos
          WINDOW w AS (ORDER BY c.chain_pos)) l;

  -- 2. rows: present, unaltered, personal data matching its digest unless erased
  v_row_bad := fieldmap._audit_first_bad_row(v_tenant, v_head.checkpoint_pos);

  first_broken_pos := least(v_link_bad, v_row_bad);
  IF first_broken_pos IS NOT NULL THEN
    SELECT CASE
             WHEN first_broken_pos = v_link_bad AND NOT EXISTS (
                    SELECT FROM fieldmap.audit_chain c WHERE c.tenant_id = v_tenant AND c.chain_pos = first_broken_pos - 1)
                  AND first_broken_pos - 1 > v_head.checkpoint_pos
               THEN format('chain entries missing before position %s', first_broken_pos)
             WHEN first_broken_pos = v_link_bad AND first_broken_pos IS DISTINCT FROM v_row_bad
               THEN format('chain hash mismatch at position %s', first_broken_pos)
             WHEN a.id IS NULL THEN format('audit row %s (position %s) is missing', c.audit_id, first_broken_pos)
             WHEN fieldmap._audit_row_hash(a, c.personal_digest) <> c.row_hash
               THEN format('audit row %s (position %s) was altered', c.audit_id, first_broken_pos)
             ELSE format('personal data of audit row %s (position %s) was altered', c.audit_id, first_broken_pos)
           END
      INTO problem
      FROM fieldmap.audit_chain c
      LEFT JOIN fieldmap.audit_log a ON a.tenant_id = v_tenant AND a.id = c.audit_id
     WHERE c.tenant_id = v_tenant AND c.chain_pos = first_broken_pos;
    problem := coalesce(problem, format('chain entries missing before position %s', first_broken_pos));
  ELSE
    -- 3. the tip: the last entry is the one the head names
    SELECT c.chain_pos, c.chain_hash INTO v_last FROM fieldmap.audit_chain c
     WHERE c.tenant_id = v_tenant ORDER BY c.chain_pos DESC LIMIT 1;
    IF coalesce(v_last.chain_pos, v_head.checkpoint_pos) <> v_head.last_pos
       OR (v_last.chain_pos IS NOT NULL AND v_last.chain_hash <> v_head.last_hash) THEN
      first_broken_pos := coalesce(v_last.chain_pos, v_head.checkpoint_pos) + 1;
      problem := format('chain ends at position %s but its head says %s',
                        coalesce(v_last.chain_pos, v_head.checkpoint_pos), v_head.last_pos);
    END IF;
  END IF;

  -- 4. rows outside the chain: not yet sealed, or older than the last seal (slipped in)
  SELECT count(*), count(*) FILTER (WHERE a.txid < v_head.horizon) INTO unsealed, v_behind
    FROM fieldmap.audit_log a
   WHERE a.tenant_id = v_tenant
     AND NOT EXISTS (SELECT FROM fieldmap.audit_chain c WHERE c.tenant_id = v_tenant AND c.audit_id = a.id);
  IF problem IS NULL AND v_behind > 0 THEN
    problem := format('%s audit rows older than the last seal are outside the chain (written behind the sealer''s back)', v_behind);
  END IF;

  ok := problem IS NULL;
  PERFORM set_config('fieldmap.tenant_id', coalesce(v_saved, ''), true);
  RETURN NEXT;
END
$$;

COMMENT ON FUNCTION fieldmap.verify_audit_chain(text, boolean) IS
  'Verifies a tenant''s audit hash chain (default: the session''s tenant; seals first unless seal => false). Returns ok, rows checked, rows not yet sealed, and the first broken position with what is wrong there.';

-- fieldmap._audit_first_bad_row(tenant uuid, after_pos bigint) -> bigint
-- The first chain position whose audit row is missing, altered, or has
-- altered personal data. RETURN QUERY lets the planner use parallel workers,
-- which SELECT ... INTO in PL/pgSQL never does.
CREATE OR REPLACE FUNCTION fieldmap._audit_first_bad_row(tenant uuid, after_pos bigint)
RETURNS SETOF bigint
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN QUERY
    SELECT min(c.chain_pos)
      FROM fieldmap.audit_chain c
      LEFT JOIN fieldmap.audit_log a ON a.tenant_id = c.tenant_id AND a.id = c.audit_id
     WHERE c.tenant_id = tenant AND c.chain_pos > after_pos
       AND (a.id IS NULL
            OR fieldmap._audit_row_hash(a, c.personal_digest) <> c.row_hash
            OR (a.erased_at IS NULL AND fieldmap._audit_personal_digest(a) <> c.personal_digest));
END
$$;

COMMENT ON FUNCTION fieldmap._audit_first_bad_row(uuid, bigint) IS
  'Internal: first chain position (after a checkpoint) whose audit row is missing or altered.';
