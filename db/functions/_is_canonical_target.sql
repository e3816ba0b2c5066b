-- fieldmap._is_canonical_target(properties jsonb, field text) -> boolean
-- The rule for a mapping's target, in one place for the import's check of
-- each entry (parse_mapping_doc) and the trigger that holds every other
-- writer to it (_check_canonical_field): a field of the entity's schema
-- version (the keys of its JSON Schema properties), or a slot
-- extras.<name> of the open bag. extras itself is no target (apply_mapping
-- would drop the value), and a slot's name holds no dot or white space
-- ('extras.a b' was stored, and is no key a record should carry).
-- Plain SQL, no SET clause, every operator qualified: it is inlined.
CREATE OR REPLACE FUNCTION fieldmap._is_canonical_target(properties jsonb, field text)
RETURNS boolean
LANGUAGE sql
IMMUTABLE PARALLEL SAFE
AS $$
  SELECT (properties OPERATOR(pg_catalog.?) field AND field OPERATOR(pg_catalog.<>) 'extras')
         OR field OPERATOR(pg_catalog.~) '^extras\.[^.[:space:]]+$'
$$;

COMMENT ON FUNCTION fieldmap._is_canonical_target(jsonb, text) IS
  'Internal: whether a field is a target of an entity whose JSON Schema properties are given: one of them (not the bag extras itself), or extras.<name> (no dot or white space in the name).';
