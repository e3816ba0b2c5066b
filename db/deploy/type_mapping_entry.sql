-- Deploy fieldmap:type_mapping_entry to pg
-- requires: schema_fieldmap
-- One entry of a mapping document, as parse_mapping_doc reads it and
-- plan_import plans it. A named type so that a plan can be held in an array
-- (no temporary table: SECURITY DEFINER code must not use objects a caller
-- can create, and this keeps every caller's work in its own variables).
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE TYPE fieldmap.mapping_entry AS (
    entity               text,
    field_key            text,
    entity_schema_id     uuid,
    canonical_field      text,
    source_table         text,
    source_field         text,
    transform            text,
    mapping_type         text,
    transformation_rule  jsonb,
    confidence           double precision,
    description          text,
    direction            text,
    problem              text,
    mapping_id           uuid,
    action               text
);

COMMENT ON TYPE fieldmap.mapping_entry IS
  'fieldmap: one entry of a mapping document: entity, the field key as written, canonical field, source table and field, transform (and the mapping_type and transformation_rule it makes), confidence, entity description, the direction read, the problem that makes it unacceptable; plan_import adds the mapping it lands on and the action (created, updated, unchanged, rejected, deprecated).';

COMMIT;
