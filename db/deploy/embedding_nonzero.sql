-- Deploy fieldmap:embedding_nonzero to pg
-- requires: embedding_connector
-- A vector of zeros has no direction: its cosine distance to anything is
-- NaN, and search ranked such a row first (NaN sorts above every number).
-- So has one too near zero (1e-45 in one component): pgvector sums the
-- squares in single precision, where they vanish, though vector_norm (in
-- double) is not 0. The test is therefore the distance itself: a vector's
-- cosine distance to itself is 0, or NaN when it has no direction.
-- put_embeddings refuses one, naming its key; these checks keep any other
-- writer honest. Vectors already stored with zeros only are derived data
-- and go: their mappings are pending again. Row security is forced, so the
-- owner deletes each tenant's in that tenant's context.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

DO $$
DECLARE
  v_tenant uuid;
BEGIN
  FOR v_tenant IN SELECT t.id FROM fieldmap.tenants t LOOP
    PERFORM fieldmap.set_context(v_tenant::text);
    DELETE FROM fieldmap.mapping_embeddings
     WHERE tenant_id = v_tenant AND public.cosine_distance(embedding_vector, embedding_vector) = 'NaN';
  END LOOP;
END
$$;
DELETE FROM fieldmap.schema_embeddings WHERE public.cosine_distance(embedding_vector, embedding_vector) = 'NaN';

ALTER TABLE fieldmap.mapping_embeddings
  ADD CONSTRAINT mapping_embeddings_nonzero_check CHECK (public.cosine_distance(embedding_vector, embedding_vector) <> 'NaN');
ALTER TABLE fieldmap.schema_embeddings
  ADD CONSTRAINT schema_embeddings_nonzero_check CHECK (public.cosine_distance(embedding_vector, embedding_vector) <> 'NaN');
COMMENT ON CONSTRAINT mapping_embeddings_nonzero_check ON fieldmap.mapping_embeddings IS
  'A vector with no direction (zeros, or too near them) has no cosine distance to anything (NaN): refused.';
COMMENT ON CONSTRAINT schema_embeddings_nonzero_check ON fieldmap.schema_embeddings IS
  'A vector with no direction (zeros, or too near them) has no cosine distance to anything (NaN): refused.';

COMMIT;
