-- Revert fieldmap:function_embedding_text from pg
BEGIN;
DROP FUNCTION fieldmap.embedding_text(text, text);
DROP FUNCTION fieldmap._word_forms(text);
DROP FUNCTION fieldmap.name_words(text);
COMMIT;
