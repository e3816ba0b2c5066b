-- Deploy fieldmap:table_entity_schemas to pg
-- requires: schema_fieldmap
-- Canonical entities are shared by all tenants (reference data, as in the seed).
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE TABLE fieldmap.entity_schemas (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    entity_name        varchar(255) NOT NULL,
    entity_version     varchar(50) NOT NULL DEFAULT '1.0.0',
    schema_definition  jsonb NOT NULL,
    description        text,
    created_at         timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT unique_entity_version UNIQUE (entity_name, entity_version),
    -- lets field_mappings prove that canonical_entity matches entity_schema_id
    CONSTRAINT entity_schemas_id_name_key UNIQUE (id, entity_name),
    CONSTRAINT entity_schemas_name_check CHECK (entity_name ~ '^[a-z][a-z0-9_]*$'),
    CONSTRAINT entity_schemas_version_check CHECK (entity_version ~ '^[0-9]+\.[0-9]+\.[0-9]+$'),
    CONSTRAINT entity_schemas_definition_check CHECK (
        jsonb_typeof(schema_definition) = 'object'
        AND schema_definition->>'type' = 'object'
        AND jsonb_typeof(schema_definition->'properties') = 'object')
);

-- Lookups by name use unique_entity_version, which leads with entity_name.

COMMENT ON TABLE fieldmap.entity_schemas IS
  'fieldmap: canonical entities (account, opportunity, ...) shared by all tenants, one row per entity and version.';
COMMENT ON COLUMN fieldmap.entity_schemas.entity_version IS 'Semantic version (MAJOR.MINOR.PATCH). A released version is immutable: change the version to change the fields.';
COMMENT ON COLUMN fieldmap.entity_schemas.schema_definition IS
  'JSON Schema (draft 2020-12) of the entity: properties with JSON types, required fields, and x-fieldmap-type holding the registry type (string, integer, number, decimal, boolean, datetime, string[], object).';

GRANT SELECT ON fieldmap.entity_schemas TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
