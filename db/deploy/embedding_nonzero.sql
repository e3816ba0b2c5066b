-- Deploy fieldmap:embedding_nonzero to pg
-- requires: embedding_connector
-- A vector of zeros has no direction: its cosine distance to anything is
-- NaN, and search ranked such a row first (NaN sorts above every number).
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
    DELETE FROM fieldmap.mapping_embeddings WHERE tenant_id = v_tenant AND public.vector_norm(embedding_vector) = 0;
  END LOOP;
END
$$;
DELETE FROM fieldmap.schema_embeddings WHERE public.vector_norm(embedding_vector) = 0;

ALTER TABLE fieldmap.mapping_embeddings
  ADD CONSTRAINT mapping_embeddings_nonzero_check CHECK (public.vector_norm(embedding_vector) > 0);
ALTER TABLE fieldmap.schema_embeddings
  ADD CONSTRAINT schema_embeddings_nonzero_check CHECK (public.vector_norm(embedding_vector) > 0);
COMMENT ON CONSTRAINT mapping_embeddings_nonzero_check ON fieldmap.mapping_embeddings IS
  'A vector of zeros has no cosine distance to anything (NaN): refused.';
COMMENT ON CONSTRAINT schema_embeddings_nonzero_check ON fieldmap.schema_embeddings IS
  'A vector of zeros has no cosine distance to anything (NaN): refused.';

COMMIT;
