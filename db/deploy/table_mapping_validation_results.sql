-- Deploy fieldmap:table_mapping_validation_results to pg
-- requires: table_field_mappings
-- Seed fixes: inline INDEX clauses become CREATE INDEX; keys include
-- tenant_id; enumerations and counts are CHECKed. Results describe the
-- current mapping and go with it (the audit log keeps the history).
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE TABLE fieldmap.mapping_validation_results (
    tenant_id          uuid NOT NULL REFERENCES fieldmap.tenants (id),
    id                 uuid NOT NULL DEFAULT gen_random_uuid(),
    field_mapping_id   uuid NOT NULL,

    validation_type    varchar(50) NOT NULL,
    validation_status  varchar(50) NOT NULL,
    error_message      text,
    sample_input       jsonb,
    sample_output      jsonb,

    test_count         integer NOT NULL DEFAULT 1,
    pass_count         integer NOT NULL DEFAULT 0,
    fail_count         integer NOT NULL DEFAULT 0,
    duration_ms        double precision,

    validated_at       timestamptz NOT NULL DEFAULT now(),
    validated_by       uuid,

    CONSTRAINT mapping_validation_results_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT mapping_validation_results_mapping_fkey FOREIGN KEY (tenant_id, field_mapping_id)
        REFERENCES fieldmap.field_mappings (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT mapping_validation_results_validated_by_fkey FOREIGN KEY (tenant_id, validated_by)
        REFERENCES fieldmap.users (tenant_id, id),
    CONSTRAINT mapping_validation_results_type_check CHECK (
        validation_type IN ('type_check', 'range_check', 'format_check', 'live_test')),
    CONSTRAINT mapping_validation_results_status_check CHECK (
        validation_status IN ('passed', 'failed', 'warning')),
    CONSTRAINT mapping_validation_results_counts_check CHECK (
        test_count >= 0 AND pass_count >= 0 AND fail_count >= 0 AND pass_count + fail_count <= test_count)
);

CREATE INDEX idx_validation_mapping ON fieldmap.mapping_validation_results (tenant_id, field_mapping_id);
CREATE INDEX idx_validation_status ON fieldmap.mapping_validation_results (tenant_id, validation_status, validated_at DESC);

COMMENT ON TABLE fieldmap.mapping_validation_results IS
  'fieldmap: outcomes of validating a mapping (type, range, format checks and live tests).';
COMMENT ON COLUMN fieldmap.mapping_validation_results.validation_type IS 'type_check | range_check | format_check | live_test.';
COMMENT ON COLUMN fieldmap.mapping_validation_results.validation_status IS 'passed | failed | warning.';
COMMENT ON COLUMN fieldmap.mapping_validation_results.sample_input IS 'Sample of source data the validation used.';
COMMENT ON COLUMN fieldmap.mapping_validation_results.sample_output IS 'What the mapping produced from sample_input.';
COMMENT ON COLUMN fieldmap.mapping_validation_results.test_count IS 'Number of cases tested; pass_count + fail_count never exceed it (the rest were warnings).';
COMMENT ON COLUMN fieldmap.mapping_validation_results.duration_ms IS 'How long the validation run that wrote this row took, per mapping, in milliseconds.';
COMMENT ON COLUMN fieldmap.mapping_validation_results.validated_by IS 'User (of the same tenant) who ran the validation; NULL for jobs.';

GRANT SELECT ON fieldmap.mapping_validation_results TO fieldmap_reader, fieldmap_auditor;
GRANT SELECT, INSERT ON fieldmap.mapping_validation_results TO fieldmap_writer;

COMMIT;
