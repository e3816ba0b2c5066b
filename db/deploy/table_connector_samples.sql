-- Deploy fieldmap:table_connector_samples to pg
-- requires: table_connector_definitions
-- requires: function_context
-- Sample source records of a connector's entity, for the live test of
-- validate_mapping when no samples are passed (the nightly validation).
-- Tenant data: forced row-level security like every tenant table.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE TABLE fieldmap.connector_samples (
    tenant_id     uuid NOT NULL REFERENCES fieldmap.tenants (id),
    id            uuid NOT NULL DEFAULT gen_random_uuid(),
    connector_id  uuid NOT NULL,
    entity        text NOT NULL,
    record        jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT connector_samples_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT connector_samples_connector_fkey FOREIGN KEY (tenant_id, connector_id)
        REFERENCES fieldmap.connector_definitions (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT connector_samples_record_check CHECK (jsonb_typeof(record) = 'object')
);

CREATE INDEX idx_connector_samples_entity ON fieldmap.connector_samples (tenant_id, connector_id, entity);
-- one copy of a record per connector and entity (jsonb text is canonical: key order does not matter)
CREATE UNIQUE INDEX connector_samples_record_key
    ON fieldmap.connector_samples (tenant_id, connector_id, entity, md5(record::text));
COMMENT ON INDEX fieldmap.connector_samples_record_key IS 'A sample record is stored once per connector and entity.';

ALTER TABLE fieldmap.connector_samples ENABLE ROW LEVEL SECURITY;
ALTER TABLE fieldmap.connector_samples FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON fieldmap.connector_samples
  USING (tenant_id = (SELECT fieldmap.current_tenant_id()))
  WITH CHECK (tenant_id = (SELECT fieldmap.current_tenant_id()));
CREATE POLICY all_tenants ON fieldmap.connector_samples FOR SELECT TO fieldmap_owner
  USING ((SELECT fieldmap._all_tenants_mode()));
COMMENT ON POLICY tenant_isolation ON fieldmap.connector_samples IS
  'Rows of the session''s tenant only (fieldmap.set_context); no tenant set is an error.';
COMMENT ON POLICY all_tenants ON fieldmap.connector_samples IS
  'Owner maintenance that reads every tenant says so with fieldmap._all_tenants; honoured for owner requests only.';

COMMENT ON TABLE fieldmap.connector_samples IS
  'fieldmap: sample source records of a connector''s entity, for the live test of validate_mapping (validate_mappings uses them).';
COMMENT ON COLUMN fieldmap.connector_samples.entity IS 'The canonical entity the record is a source object of.';
COMMENT ON COLUMN fieldmap.connector_samples.record IS 'A source record as the vendor delivers it (a JSON object).';

GRANT SELECT ON fieldmap.connector_samples TO fieldmap_reader, fieldmap_auditor;
GRANT SELECT, INSERT, DELETE ON fieldmap.connector_samples TO fieldmap_writer;

COMMIT;
