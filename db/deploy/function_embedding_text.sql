-- Deploy fieldmap:function_embedding_text to pg
-- requires: schema_fieldmap
-- What is embedded for a source field, decided in SQL for every client.
-- Reworked after @v0.1.0: _word_forms without regular expressions, inlined;
-- embedding_text a PL/pgSQL loop, at half the cost of the SQL query it was
-- (Sqitch tells changes apart by their script: this one must differ from the released one).
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/embedding_text.sql

GRANT EXECUTE ON FUNCTION fieldmap.name_words(text), fieldmap._word_forms(text), fieldmap.embedding_text(text, text)
  TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
