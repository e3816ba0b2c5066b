-- fieldmap._audit_append_only() -- BEFORE UPDATE OR DELETE (row) and BEFORE
-- TRUNCATE (statement) on audit_log and audit_chain.
-- The audit trail is append-only for every role, superusers included (they
-- can disable the trigger, as can the owner; the hash chain then shows it).
-- Two sanctioned exceptions, each flagged by its own function for its own
-- transaction: the retention purge deletes rows past retention
-- (fieldmap._purge), and GDPR erasure rewrites personal columns of the log
-- (fieldmap._erase) — nothing else.
CREATE OR REPLACE FUNCTION fieldmap._audit_append_only()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('fieldmap._purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'audit_log'
     AND current_setting('fieldmap._erase', true) = 'on'
     AND (to_jsonb(NEW) - ARRAY['ip_address', 'user_agent', 'old_value', 'new_value', 'erased_at'])
         = (to_jsonb(OLD) - ARRAY['ip_address', 'user_agent', 'old_value', 'new_value', 'erased_at']) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'fieldmap.% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'MR006',
          HINT = 'rows leave only through fieldmap.purge_audit_log(); personal data through fieldmap.erase_user()';
END
$$;

COMMENT ON FUNCTION fieldmap._audit_append_only() IS
  'Internal trigger: refuses UPDATE, DELETE and TRUNCATE on the audit log and chain, except the retention purge''s deletes and erase_user''s rewrite of personal columns.';
