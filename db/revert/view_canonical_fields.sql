-- Revert fieldmap:view_canonical_fields from pg
BEGIN;
DROP VIEW fieldmap.schema_embedding_texts;
DROP VIEW fieldmap.canonical_fields;
COMMIT;
