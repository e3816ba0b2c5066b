-- Deploy fieldmap:function_propose_mappings to pg
-- requires: function_suggest
-- A connector's whole field list as a proposal: suggestions placed one
-- source per canonical field, with a verdict per field.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

\ir ../functions/propose_mappings.sql

GRANT EXECUTE ON FUNCTION
  fieldmap._placed_proposals(jsonb[]),  -- an invoker helper of propose_mappings
  fieldmap.propose_mappings(text, text[], text[], text[], public.vector[], public.vector[], integer)
  TO fieldmap_writer, fieldmap_reader;

COMMIT;
