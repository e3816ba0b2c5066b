-- Verify fieldmap:table_audit_chain on pg
BEGIN;
SELECT tenant_id, chain_pos, audit_id, row_hash, personal_digest, chain_hash, sealed_at
  FROM fieldmap.audit_chain WHERE false;
SELECT tenant_id, last_pos, last_hash, horizon, checkpoint_pos, checkpoint_hash, sealed_at
  FROM fieldmap.audit_chain_heads WHERE false;
DO $$
BEGIN
  ASSERT NOT has_table_privilege('fieldmap_writer', 'fieldmap.audit_chain', 'INSERT'), 'fieldmap_writer may write the chain';
END
$$;
ROLLBACK;
