-- Deploy fieldmap:table_audit_log to pg
-- requires: table_tenants
-- Seed fixes: named audit_log, not the seed's mapping_audit_log, since it
-- audits every registry table; no foreign key to field_mappings (the seed cascaded deletes,
-- destroying the history compliance needs; audit rows outlive what they
-- describe); MySQL-style inline INDEX clauses become CREATE INDEX; keys lead
-- with tenant_id; action and object_type are checked (domains); ip_address is inet.
-- Additions: the log covers every registry table (object_type, object_id;
-- the seed's field_mapping_id is object_id where object_type is
-- 'field_mapping'), numbers each tenant's rows
-- (seq) and records the writing transaction (txid) so the hash chain can be
-- sealed in order after commit; erased_at marks rows whose personal data
-- was pseudonymised (GDPR).
-- No foreign key to tenants either: audit rows take tenant_id from rows that
-- passed their own foreign keys, and a check per audit row would take a KEY
-- SHARE lock on the tenant's row that every writer of the tenant contends on.
-- The closed value sets are domains, not table CHECK constraints: the
-- executor re-reads a table's CHECK constraints (and generated-column
-- expressions) from the catalog at every INSERT statement, which on the audit
-- log is every audited UPDATE; a domain's check is cached per session. For
-- the same reason the seed's field_mapping_id is not kept as a copy of
-- object_id (a generated column cost ~1.3 points of single-row UPDATE
-- throughput, bench/bench_audit.py): one fact, stored once.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE DOMAIN fieldmap.audit_object_type AS varchar(50)
  CONSTRAINT audit_object_type_check
  CHECK (VALUE IN ('field_mapping', 'connector', 'entity_schema', 'tenant', 'tenant_member', 'user', 'audit_log'));
COMMENT ON DOMAIN fieldmap.audit_object_type IS
  'fieldmap: which registry table an audit row is about.';

CREATE DOMAIN fieldmap.audit_action AS varchar(50)
  CONSTRAINT audit_action_check
  CHECK (VALUE IN ('created', 'updated', 'deleted', 'validated', 'deprecated', 'restored', 'erased', 'purged'));
COMMENT ON DOMAIN fieldmap.audit_action IS
  'fieldmap: what an audit row records: created | updated | deleted | validated | deprecated | restored | erased | purged.';

CREATE TABLE fieldmap.audit_log (
    tenant_id         uuid NOT NULL,
    id                uuid NOT NULL DEFAULT gen_random_uuid(),
    seq               bigint GENERATED ALWAYS AS IDENTITY,
    object_type       fieldmap.audit_object_type NOT NULL,
    object_id         uuid NOT NULL,
    object_version    integer,

    action            fieldmap.audit_action NOT NULL,
    field_changed     varchar(255),
    old_value         jsonb,
    new_value         jsonb,

    changed_by        uuid,
    change_reason     text,
    confidence_delta  double precision,

    ip_address        inet,
    user_agent        text,
    trace_id          varchar(255),

    created_at        timestamptz NOT NULL DEFAULT now(),
    txid              xid8 NOT NULL DEFAULT pg_current_xact_id(),
    erased_at         timestamptz,

    CONSTRAINT audit_log_pkey PRIMARY KEY (tenant_id, id)
);

-- history of one object, in order; the last changes of a tenant; sealing
-- finds the rows of recent transactions by txid.
CREATE INDEX idx_audit_mapping ON fieldmap.audit_log (tenant_id, object_id, seq);
CREATE INDEX idx_audit_tenant_created ON fieldmap.audit_log (tenant_id, created_at DESC);
CREATE INDEX idx_audit_tenant_txid ON fieldmap.audit_log (tenant_id, txid);

COMMENT ON TABLE fieldmap.audit_log IS
  'fieldmap: append-only audit trail of every change to the registry. Rows outlive the mappings they describe (no foreign key to field_mappings).';
COMMENT ON COLUMN fieldmap.audit_log.seq IS 'Insertion order (global identity). The tamper-evident order is the chain position in audit_chain.';
COMMENT ON COLUMN fieldmap.audit_log.object_type IS 'field_mapping | connector | entity_schema | tenant | tenant_member | user | audit_log: which registry table the change concerns.';
COMMENT ON COLUMN fieldmap.audit_log.object_id IS 'Primary id of the changed row (for tenants: the tenant id; for field_mapping: the seed''s field_mapping_id, kept after the mapping is deleted).';
COMMENT ON COLUMN fieldmap.audit_log.object_version IS 'Version of the object after the change (field_mappings.version), where the table has versions.';
COMMENT ON COLUMN fieldmap.audit_log.action IS 'created | updated | deleted | validated | deprecated | restored | erased | purged.';
COMMENT ON COLUMN fieldmap.audit_log.txid IS 'Writing transaction; lets the sealer find rows committed since its last run.';
COMMENT ON COLUMN fieldmap.audit_log.erased_at IS 'When personal data in this row (ip_address, user_agent, a user''s own values) was pseudonymised by erase_user().';
COMMENT ON COLUMN fieldmap.audit_log.field_changed IS 'Column changed by an update (one row per changed column); NULL for created/deleted, whose values hold the whole row.';
COMMENT ON COLUMN fieldmap.audit_log.old_value IS 'Value before the change, as JSON (the whole row for deleted).';
COMMENT ON COLUMN fieldmap.audit_log.new_value IS 'Value after the change, as JSON (the whole row for created).';
COMMENT ON COLUMN fieldmap.audit_log.changed_by IS 'User who made the change, from the session context. No foreign key: the log outlives users.';
COMMENT ON COLUMN fieldmap.audit_log.change_reason IS 'Why the change was made, from the session context.';
COMMENT ON COLUMN fieldmap.audit_log.confidence_delta IS 'new - old confidence_score, when it changed.';
COMMENT ON COLUMN fieldmap.audit_log.ip_address IS 'Client address of the session that made the change (NULL over a unix socket).';
COMMENT ON COLUMN fieldmap.audit_log.user_agent IS 'application_name of the session that made the change.';
COMMENT ON COLUMN fieldmap.audit_log.trace_id IS 'Caller-supplied correlation id, for debugging across systems.';

GRANT SELECT ON fieldmap.audit_log TO fieldmap_auditor;

COMMIT;
