-- fieldmap.purge_audit_log(batch_size integer DEFAULT 10000) -> bigint (rows deleted)
-- Deletes audit rows past their tenant's retention (tenants.settings
-- ->> 'audit_retention_days'; absent = keep forever), oldest first and at
-- most batch_size rows per call: call it until it returns 0 (the pg_cron
-- job and `fieldmap audit purge` do), each call its own transaction.
-- Only a prefix of the chain is ever removed, and the chain hash at its end
-- becomes the tenant's checkpoint, so verify_audit_chain() still verifies
-- what remains. Each purge is itself audited (action purged).
-- SECURITY INVOKER: owner only (the pg_cron job, a DBA); the owner's rights suffice.
CREATE OR REPLACE FUNCTION fieldmap.purge_audit_log(batch_size integer DEFAULT 10000)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_saved   text := current_setting('fieldmap.tenant_id', true);
  v_tenant  record;
  v_head    fieldmap.audit_chain_heads;
  v_cutoff  timestamptz;
  v_upto    bigint;
  v_hash    bytea;
  v_deleted bigint;
  v_total   bigint := 0;
BEGIN
  IF batch_size IS NULL OR batch_size < 1 THEN
    RAISE EXCEPTION 'batch_size must be a positive number' USING ERRCODE = 'MR001';
  END IF;
  FOR v_tenant IN
    SELECT t.id, (t.settings->>'audit_retention_days')::integer AS days
      FROM fieldmap.tenants t
     WHERE t.settings ? 'audit_retention_days'
     ORDER BY t.id
  LOOP
    EXIT WHEN v_total >= batch_size;
    PERFORM set_config('fieldmap.tenant_id', v_tenant.id::text, true);
    PERFORM fieldmap._seal_tenant_chain(v_tenant.id);
    SELECT * INTO v_head FROM fieldmap.audit_chain_heads h WHERE h.tenant_id = v_tenant.id FOR UPDATE;
    v_cutoff := now() - make_interval(days => v_tenant.days);

    -- the longest prefix (after the checkpoint) of rows all older than the cutoff, within the batch
    SELECT coalesce(min(c.chain_pos) - 1, least(v_head.last_pos, v_head.checkpoint_pos + batch_size - v_total))
      INTO v_upto
      FROM fieldmap.audit_chain c
      JOIN fieldmap.audit_log a ON a.tenant_id = c.tenant_id AND a.id = c.audit_id
     WHERE c.tenant_id = v_tenant.id
       AND c.chain_pos > v_head.checkpoint_pos
       AND c.chain_pos <= v_head.checkpoint_pos + batch_size - v_total
       AND a.created_at >= v_cutoff;
    CONTINUE WHEN v_upto <= v_head.checkpoint_pos;

    SELECT c.chain_hash INTO v_hash FROM fieldmap.audit_chain c
     WHERE c.tenant_id = v_tenant.id AND c.chain_pos = v_upto;

    PERFORM set_config('fieldmap._purge', 'on', true);
    DELETE FROM fieldmap.audit_log a
     USING fieldmap.audit_chain c
     WHERE c.tenant_id = v_tenant.id AND c.chain_pos > v_head.checkpoint_pos AND c.chain_pos <= v_upto
       AND a.tenant_id = v_tenant.id AND a.id = c.audit_id;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    DELETE FROM fieldmap.audit_chain c
     WHERE c.tenant_id = v_tenant.id AND c.chain_pos > v_head.checkpoint_pos AND c.chain_pos <= v_upto;
    PERFORM set_config('fieldmap._purge', '', true);

    UPDATE fieldmap.audit_chain_heads h SET checkpoint_pos = v_upto, checkpoint_hash = v_hash
     WHERE h.tenant_id = v_tenant.id;
    INSERT INTO fieldmap.audit_log (tenant_id, object_type, object_id, action, new_value, change_reason)
    VALUES (v_tenant.id, 'audit_log', v_tenant.id, 'purged',
            jsonb_build_object('through_position', v_upto, 'rows', v_deleted, 'retention_days', v_tenant.days,
                               'checkpoint_hash', encode(v_hash, 'hex')),
            'audit retention');
    v_total := v_total + v_deleted;
  END LOOP;
  PERFORM set_config('fieldmap.tenant_id', coalesce(v_saved, ''), true);
  RETURN v_total;
END
$$;

COMMENT ON FUNCTION fieldmap.purge_audit_log(integer) IS
  'Deletes at most batch_size audit rows past their tenant''s audit_retention_days, oldest first, moving the chain checkpoint so the rest still verifies; audited as purged. Call until it returns 0.';
