-- fieldmap._refuse_revert_over_data() -> void
-- Called first by every revert script that drops a table. While the
-- registry holds a tenant or any audit row, a revert that drops tables would
-- destroy mappings and the tamper-evident audit history with them, so it
-- refuses (MR006, as the audit trail refuses deletes) and names the way out. A teardown on purpose sets
-- fieldmap.revert_drops_data = on for the revert's sessions:
--   PGOPTIONS='-c fieldmap.revert_drops_data=on' sqitch revert
-- Reverting functions, triggers and views (a bad release) is never refused.
CREATE OR REPLACE FUNCTION fieldmap._refuse_revert_over_data()
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_tenants bigint := 0;
  v_audited bigint := 0;
BEGIN
  IF coalesce(current_setting('fieldmap.revert_drops_data', true), '') = 'on' THEN
    RETURN;
  END IF;
  -- dynamic: the tables come in later changes than this function. The
  -- system tenant (the nil id, made by the deploy) holds only entity schemas;
  -- loading them writes audit rows, which count.
  IF to_regclass('fieldmap.tenants') IS NOT NULL THEN
    EXECUTE 'SELECT count(*) FROM fieldmap.tenants WHERE id <> ''00000000-0000-0000-0000-000000000000''' INTO v_tenants;
  END IF;
  IF to_regclass('fieldmap.audit_log') IS NOT NULL THEN
    EXECUTE 'SELECT count(*) FROM fieldmap.audit_log' INTO v_audited;
  END IF;
  IF v_tenants > 0 OR v_audited > 0 THEN
    RAISE EXCEPTION 'refusing to revert a change that drops a table: the registry holds % tenant(s) and % audit row(s)',
                    v_tenants, v_audited
      USING ERRCODE = 'MR006',
            HINT = 'keep a copy first (pg_dump, fieldmap export); to tear the registry down on purpose, run '
                   'PGOPTIONS=''-c fieldmap.revert_drops_data=on'' sqitch revert';
  END IF;
END
$$;

COMMENT ON FUNCTION fieldmap._refuse_revert_over_data() IS
  'Internal, for Sqitch revert scripts: refuses (MR006) to drop tables while the registry holds a tenant (besides system) or an audit row, unless fieldmap.revert_drops_data = on.';
