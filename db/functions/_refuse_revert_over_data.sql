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
  -- The tables come in later changes than this function: each is counted
  -- only once it exists (PL/pgSQL plans a statement when it first runs).
  -- Both force row-level security, so a deployer that is not a superuser
  -- (a member of fieldmap_owner) counts in the owner's all-tenants mode.
  -- The system tenant (the nil id, made by the deploy) holds only entity
  -- schemas; loading them writes audit rows, which count.
  PERFORM set_config('fieldmap._all_tenants', 'on', true);
  IF to_regclass('fieldmap.tenants') IS NOT NULL THEN
    SELECT count(*) INTO v_tenants FROM fieldmap.tenants t WHERE t.id <> '00000000-0000-0000-0000-000000000000';
  END IF;
  IF to_regclass('fieldmap.audit_log') IS NOT NULL THEN
    SELECT count(*) INTO v_audited FROM fieldmap.audit_log;
  END IF;
  PERFORM set_config('fieldmap._all_tenants', '', true);
  IF v_tenants > 0 OR v_audited > 0 THEN
    RAISE EXCEPTION 'refusing to revert a change that drops a table: the registry holds % tenant(s) and % audit row(s)',
                    v_tenants, v_audited
      USING ERRCODE = 'MR006',
            HINT = 'keep a copy first (make backup, or pg_dump). To tear the registry down on purpose: make revert '
                   'DROP_DATA=1 (PGOPTIONS=''-c fieldmap.revert_drops_data=on'' sqitch revert). A sqitch revert '
                   'that stopped here has reverted only functions and views: sqitch deploy (make deploy) puts '
                   'them back.';
  END IF;
END
$$;

COMMENT ON FUNCTION fieldmap._refuse_revert_over_data() IS
  'Internal, for Sqitch revert scripts: refuses (MR006) to drop tables while the registry holds a tenant (besides system) or an audit row, unless fieldmap.revert_drops_data = on.';
