-- fieldmap._seal_tenant_chain(tenant uuid) -> bigint (rows sealed)
-- Appends the tenant's committed, not yet sealed audit rows to its chain, in
-- insertion order. Sealers of one tenant queue on its head row, so
-- concurrent writers and sealers still make one chain.
-- Which rows: those written by transactions not older than the horizon of
-- the previous seal. Every transaction older than that horizon had finished
-- when the previous seal looked, so its rows (if committed) were sealed then.
-- Caller must have set the tenant context (row-level security).
-- SECURITY INVOKER: called by seal/verify (SECURITY DEFINER) and by owner-only
-- purge and erasure, so it always runs with the owner's rights.
CREATE OR REPLACE FUNCTION fieldmap._seal_tenant_chain(tenant uuid)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_head    fieldmap.audit_chain_heads;
  v_horizon xid8;
  v_row     fieldmap.audit_log;
  v_pos     bigint;
  v_hash    bytea;
  v_digest  bytea;
  v_rowhash bytea;
  v_ids     uuid[] := '{}'::uuid[];
  v_poss    bigint[] := '{}'::bigint[];
  v_rows    bytea[] := '{}'::bytea[];
  v_pds     bytea[] := '{}'::bytea[];
  v_chains  bytea[] := '{}'::bytea[];
BEGIN
  INSERT INTO fieldmap.audit_chain_heads (tenant_id, last_pos, last_hash, checkpoint_hash)
  VALUES (tenant, 0, fieldmap._audit_genesis(tenant), fieldmap._audit_genesis(tenant))
  ON CONFLICT (tenant_id) DO NOTHING;
  SELECT * INTO v_head FROM fieldmap.audit_chain_heads h WHERE h.tenant_id = tenant FOR UPDATE;

  v_horizon := pg_snapshot_xmin(pg_current_snapshot());
  v_pos := v_head.last_pos;
  v_hash := v_head.last_hash;
  FOR v_row IN
    SELECT a.* FROM fieldmap.audit_log a
     WHERE a.tenant_id = tenant AND a.txid >= v_head.horizon
       AND NOT EXISTS (SELECT FROM fieldmap.audit_chain c WHERE c.tenant_id = tenant AND c.audit_id = a.id)
     ORDER BY a.seq
  LOOP
    v_digest := fieldmap._audit_personal_digest(v_row);
    v_rowhash := fieldmap._audit_row_hash(v_row, v_digest);
    v_hash := sha256(v_hash || v_rowhash);
    v_pos := v_pos + 1;
    v_ids := v_ids || v_row.id;
    v_poss := v_poss || v_pos;
    v_rows := v_rows || v_rowhash;
    v_pds := v_pds || v_digest;
    v_chains := v_chains || v_hash;
    IF cardinality(v_ids) >= 5000 THEN  -- flush in chunks: one INSERT per chunk, arrays stay small
      INSERT INTO fieldmap.audit_chain (tenant_id, chain_pos, audit_id, row_hash, personal_digest, chain_hash)
      SELECT tenant, u.pos, u.id, u.rh, u.pd, u.ch
        FROM unnest(v_poss, v_ids, v_rows, v_pds, v_chains) AS u(pos, id, rh, pd, ch);
      v_ids := '{}'; v_poss := '{}'; v_rows := '{}'; v_pds := '{}'; v_chains := '{}';
    END IF;
  END LOOP;

  INSERT INTO fieldmap.audit_chain (tenant_id, chain_pos, audit_id, row_hash, personal_digest, chain_hash)
  SELECT tenant, u.pos, u.id, u.rh, u.pd, u.ch
    FROM unnest(v_poss, v_ids, v_rows, v_pds, v_chains) AS u(pos, id, rh, pd, ch);

  UPDATE fieldmap.audit_chain_heads h
     SET last_pos = v_pos, last_hash = v_hash, horizon = greatest(v_head.horizon, v_horizon), sealed_at = now()
   WHERE h.tenant_id = tenant;
  RETURN v_pos - v_head.last_pos;
END
$$;

COMMENT ON FUNCTION fieldmap._seal_tenant_chain(uuid) IS
  'Internal: appends a tenant''s committed, unsealed audit rows to its hash chain, in order; serialised per tenant.';
