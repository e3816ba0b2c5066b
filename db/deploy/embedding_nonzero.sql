-- Deploy fieldmap:embedding_nonzero to pg
-- requires: embedding_connector
-- A vector of zeros has no direction: its cosine distance to anything is
-- NaN, and search ranked such a row first (NaN sorts above every number).
-- put_embeddings refuses one, naming its key; these checks keep any other
-- writer honest. Vectors already stored with zeros only are derived data
-- and go: their mappings are pending again. (Deleted as the deploying
-- superuser, whom row security does not restrict: the owner would see no
-- tenant's rows.)
BEGIN;

DELETE FROM fieldmap.mapping_embeddings WHERE public.vector_norm(embedding_vector) = 0;
DELETE FROM fieldmap.schema_embeddings WHERE public.vector_norm(embedding_vector) = 0;

SET LOCAL ROLE fieldmap_owner;
ALTER TABLE fieldmap.mapping_embeddings
  ADD CONSTRAINT mapping_embeddings_nonzero_check CHECK (public.vector_norm(embedding_vector) > 0);
ALTER TABLE fieldmap.schema_embeddings
  ADD CONSTRAINT schema_embeddings_nonzero_check CHECK (public.vector_norm(embedding_vector) > 0);
COMMENT ON CONSTRAINT mapping_embeddings_nonzero_check ON fieldmap.mapping_embeddings IS
  'A vector of zeros has no cosine distance to anything (NaN): refused.';
COMMENT ON CONSTRAINT schema_embeddings_nonzero_check ON fieldmap.schema_embeddings IS
  'A vector of zeros has no cosine distance to anything (NaN): refused.';

COMMIT;
