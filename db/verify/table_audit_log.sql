-- Verify fieldmap:table_audit_log on pg
BEGIN;
SELECT tenant_id, id, seq, object_type, object_id, object_version, action, field_changed, old_value, new_value,
       changed_by, change_reason, confidence_delta, ip_address, user_agent, trace_id, created_at, txid, erased_at
  FROM fieldmap.audit_log WHERE false;
DO $$
BEGIN
  ASSERT (SELECT count(*) FROM pg_constraint
           WHERE contypid IN ('fieldmap.audit_action'::regtype, 'fieldmap.audit_object_type'::regtype)
             AND contype = 'c') = 2, 'the audit_action / audit_object_type domains lost their checks';
  ASSERT to_regclass('fieldmap.idx_audit_mapping') IS NOT NULL, 'index idx_audit_mapping missing';
  ASSERT to_regclass('fieldmap.idx_audit_tenant_created') IS NOT NULL, 'index idx_audit_tenant_created missing';
  ASSERT to_regclass('fieldmap.idx_audit_tenant_txid') IS NOT NULL, 'index idx_audit_tenant_txid missing';
  ASSERT NOT EXISTS (SELECT FROM pg_constraint
                     WHERE conrelid = 'fieldmap.audit_log'::regclass
                       AND confrelid = 'fieldmap.field_mappings'::regclass),
         'audit_log must not reference field_mappings: history would die with its mapping';
  ASSERT has_table_privilege('fieldmap_auditor', 'fieldmap.audit_log', 'SELECT'), 'fieldmap_auditor cannot read the audit log';
  ASSERT NOT has_table_privilege('fieldmap_writer', 'fieldmap.audit_log', 'UPDATE'), 'fieldmap_writer may update the audit log';
END
$$;
ROLLBACK;
