-- Deploy fieldmap:table_validation_rules to pg
-- requires: schema_fieldmap
-- requires: table_entity_schemas
-- What the validation checks read, as tables a DBA can read and extend in
-- psql (shared by all tenants, like the canonical entities):
--   type_compatibility  which source types fit which canonical types, and
--                       which need a transform first (type_check);
--   range_rules         ranges and code lists of canonical fields
--                       (range_check; datetimes must also lie in 1900-2100).
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE TABLE fieldmap.type_compatibility (
    source_type     text NOT NULL,
    canonical_type  text NOT NULL,
    verdict         text NOT NULL,
    advice          text,

    CONSTRAINT type_compatibility_pkey PRIMARY KEY (source_type, canonical_type),
    CONSTRAINT type_compatibility_source_check CHECK (source_type = lower(source_type)),
    CONSTRAINT type_compatibility_canonical_check CHECK (
        canonical_type IN ('string', 'integer', 'number', 'decimal', 'boolean', 'datetime', 'string[]', 'object')),
    CONSTRAINT type_compatibility_verdict_check CHECK (verdict IN ('compatible', 'needs_transform', 'incompatible'))
);

-- source types by family; the transforms' output types are source types too
WITH family (family, types) AS (VALUES
    ('text',     ARRAY['string', 'text', 'textarea', 'varchar', 'char', 'picklist', 'enumeration', 'enum', 'id',
                       'reference', 'lookup', 'email', 'phone', 'url', 'uuid', 'objectid', 'combobox']),
    ('integer',  ARRAY['integer', 'int', 'int32', 'int64', 'bigint', 'smallint', 'long']),
    ('number',   ARRAY['number', 'double', 'float', 'real', 'percent']),
    ('decimal',  ARRAY['decimal', 'numeric', 'currency', 'money']),
    ('boolean',  ARRAY['boolean', 'bool', 'checkbox']),
    ('datetime', ARRAY['datetime', 'timestamp', 'timestamptz', 'date', 'date-time']),
    ('epoch',    ARRAY['epoch', 'unix_timestamp']),
    ('list',     ARRAY['string[]', 'array', 'list', 'multipicklist']),
    ('object',   ARRAY['object', 'json', 'jsonb', 'map', 'record'])
), verdict (family, canonical_type, verdict, advice) AS (VALUES
    ('text', 'string', 'compatible', NULL),
    ('text', 'integer', 'needs_transform', 'to_integer'),
    ('text', 'number', 'needs_transform', 'to_number'),
    ('text', 'decimal', 'needs_transform', 'to_decimal'),
    ('text', 'boolean', 'needs_transform', 'to_boolean'),
    ('text', 'datetime', 'needs_transform', 'to_timestamp'),
    ('text', 'string[]', 'incompatible', NULL),
    ('text', 'object', 'incompatible', NULL),
    ('integer', 'string', 'needs_transform', 'to_text'),
    ('integer', 'integer', 'compatible', NULL),
    ('integer', 'number', 'compatible', NULL),
    ('integer', 'decimal', 'compatible', NULL),
    ('integer', 'boolean', 'needs_transform', 'to_boolean'),
    ('integer', 'datetime', 'needs_transform', 'to_timestamp (epoch seconds)'),
    ('number', 'string', 'needs_transform', 'to_text'),
    ('number', 'integer', 'needs_transform', 'to_integer (refuses fractions)'),
    ('number', 'number', 'compatible', NULL),
    ('number', 'decimal', 'compatible', NULL),
    ('decimal', 'string', 'needs_transform', 'to_text'),
    ('decimal', 'integer', 'needs_transform', 'to_integer (refuses fractions)'),
    ('decimal', 'number', 'compatible', NULL),
    ('decimal', 'decimal', 'compatible', NULL),
    ('boolean', 'boolean', 'compatible', NULL),
    ('boolean', 'string', 'needs_transform', 'to_text'),
    ('boolean', 'integer', 'incompatible', NULL),
    ('datetime', 'datetime', 'compatible', NULL),
    ('datetime', 'string', 'compatible', NULL),
    ('epoch', 'datetime', 'needs_transform', 'to_timestamp'),
    ('epoch', 'integer', 'compatible', NULL),
    ('list', 'string[]', 'compatible', NULL),
    ('list', 'string', 'incompatible', NULL),
    ('object', 'object', 'compatible', NULL),
    ('object', 'string', 'incompatible', NULL)
)
INSERT INTO fieldmap.type_compatibility (source_type, canonical_type, verdict, advice)
SELECT t, c, coalesce(v.verdict, 'incompatible'), v.advice  -- a pair not listed cannot be converted
  FROM family f CROSS JOIN unnest(f.types) t
 CROSS JOIN unnest(ARRAY['string', 'integer', 'number', 'decimal', 'boolean', 'datetime', 'string[]', 'object']) c
  LEFT JOIN verdict v ON v.family = f.family AND v.canonical_type = c;

CREATE TABLE fieldmap.range_rules (
    entity_name  text NOT NULL,
    field_name   text NOT NULL,
    min_value    numeric,
    max_value    numeric,
    iso4217      boolean NOT NULL DEFAULT false,
    note         text,

    CONSTRAINT range_rules_pkey PRIMARY KEY (entity_name, field_name),
    CONSTRAINT range_rules_bounds_check CHECK (min_value IS NULL OR max_value IS NULL OR min_value <= max_value)
);

INSERT INTO fieldmap.range_rules (entity_name, field_name, min_value, max_value, iso4217, note) VALUES
  ('opportunity', 'probability', 0, 100, false, 'a percentage'),
  ('opportunity', 'amount', 0, NULL, false, 'no negative deals'),
  ('opportunity', 'currency', NULL, NULL, true, 'ISO 4217'),
  ('aws_resources', 'monthly_cost', 0, NULL, false, NULL),
  ('aws_resources', 'cpu_utilization', 0, 100, false, 'a percentage'),
  ('aws_resources', 'memory_utilization', 0, 100, false, 'a percentage'),
  ('cost_reports', 'monthly_cost', 0, NULL, false, NULL);

COMMENT ON TABLE fieldmap.type_compatibility IS
  'fieldmap: whether a source type (lower case; transforms'' output types too) fits a canonical type as it is, needs a transform first (advice names one), or cannot be mapped. Read by validate_mapping''s type_check.';
COMMENT ON COLUMN fieldmap.type_compatibility.verdict IS 'compatible | needs_transform | incompatible.';
COMMENT ON COLUMN fieldmap.type_compatibility.advice IS 'The transform that makes a needs_transform pair fit.';
COMMENT ON TABLE fieldmap.range_rules IS
  'fieldmap: bounds and code lists of canonical fields (validate_mapping''s range_check); datetimes must lie in 1900-2100 and numbers be finite whatever the table says.';
COMMENT ON COLUMN fieldmap.range_rules.iso4217 IS 'The value must be an ISO 4217 code (fieldmap.currencies).';

GRANT SELECT ON fieldmap.type_compatibility, fieldmap.range_rules TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
