-- Deploy fieldmap:function_propose_mappings to pg
-- requires: function_suggest
-- A connector's whole field list as a proposal: the placing of suggestions
-- (one source per canonical field, the thresholds of "confident" and
-- "unsure") decided in the database, where it had been the glue's.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/propose_mappings.sql

GRANT EXECUTE ON FUNCTION
  fieldmap.propose_mappings(text, text[], text[], text[], public.vector[], public.vector[], integer)
  TO fieldmap_writer, fieldmap_reader;

COMMIT;
