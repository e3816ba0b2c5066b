-- Deploy fieldmap:view_canonical_fields to pg
-- requires: table_entity_schemas
-- requires: function_embedding_text
-- The fields of the latest version of every canonical entity, one row each:
-- what a suggestion may propose, and the texts of the schema's embeddings.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE VIEW fieldmap.canonical_fields AS
SELECT s.entity_name::text AS entity_name, p.key AS field_name, p.value->>'x-fieldmap-type' AS registry_type,
       coalesce(s.schema_definition->'required', '[]') ? p.key AS required,
       s.description AS entity_description, s.entity_version::text AS entity_version, s.id AS entity_schema_id
  FROM (SELECT DISTINCT ON (e.entity_name) e.*
          FROM fieldmap.entity_schemas e
         ORDER BY e.entity_name, string_to_array(e.entity_version, '.')::integer[] DESC) s
 CROSS JOIN LATERAL jsonb_each(s.schema_definition->'properties') p;

COMMENT ON VIEW fieldmap.canonical_fields IS
  'fieldmap: every field of the latest version of every canonical entity, with its registry type and whether it is required.';

-- what is embedded for the canonical schema: an entity's name with its
-- description; a field's words without its entity's name (as for sources)
CREATE VIEW fieldmap.schema_embedding_texts AS
SELECT DISTINCT c.entity_name, ''::text AS field_name,
       fieldmap.name_words(c.entity_name) || ': ' || coalesce(c.entity_description, '') AS embedding_text
  FROM fieldmap.canonical_fields c
UNION ALL
SELECT c.entity_name, c.field_name, fieldmap.embedding_text(c.entity_name, c.field_name)
  FROM fieldmap.canonical_fields c
 WHERE c.field_name <> 'extras';

COMMENT ON VIEW fieldmap.schema_embedding_texts IS
  'fieldmap: the texts embedded for the canonical schema: each entity (field_name '''': name and description) and each field (its words without the entity''s name).';

GRANT SELECT ON fieldmap.canonical_fields, fieldmap.schema_embedding_texts
  TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
