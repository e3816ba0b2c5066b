-- Revert fieldmap:function_embedding_text from pg: put back the version released in @v0.1.0
-- (its frozen deploy script: the new version adds no object)
-- Deploy fieldmap:function_embedding_text to pg
-- requires: schema_fieldmap
-- What is embedded for a source field, decided in SQL for every client.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/embedding_text@v0.1.0.sql

GRANT EXECUTE ON FUNCTION fieldmap.name_words(text), fieldmap._word_forms(text), fieldmap.embedding_text(text, text)
  TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
