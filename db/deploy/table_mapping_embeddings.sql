-- Deploy fieldmap:table_mapping_embeddings to pg
-- requires: table_field_mappings
-- requires: extensions
-- Seed fixes: tenant_id added (and in every key); the vector has no fixed
-- dimension and each row records its model, so two models can coexist during
-- a model change; one embedding per mapping *per model*. The seed's
-- unparameterised ivfflat index is replaced by a per-model HNSW index on a
-- dimension cast (pgvector indexes need a fixed dimension), partial on the
-- model, so each model gets its own index.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE TABLE fieldmap.mapping_embeddings (
    tenant_id         uuid NOT NULL REFERENCES fieldmap.tenants (id),
    id                uuid NOT NULL DEFAULT gen_random_uuid(),
    field_mapping_id  uuid NOT NULL,
    embedding_text    text NOT NULL,
    embedding_vector  public.vector,
    embedding_model   varchar(100) NOT NULL DEFAULT 'sentence-transformers/all-MiniLM-L6-v2',
    embedding_dims    integer GENERATED ALWAYS AS (public.vector_dims(embedding_vector)) STORED,
    metadata          jsonb NOT NULL DEFAULT '{}',
    created_at        timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT mapping_embeddings_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT unique_embedding_mapping UNIQUE (tenant_id, field_mapping_id, embedding_model),
    CONSTRAINT mapping_embeddings_mapping_fkey FOREIGN KEY (tenant_id, field_mapping_id)
        REFERENCES fieldmap.field_mappings (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT mapping_embeddings_model_check CHECK (btrim(embedding_model) <> ''),
    CONSTRAINT mapping_embeddings_minilm_dims_check CHECK (
        embedding_model <> 'sentence-transformers/all-MiniLM-L6-v2' OR embedding_dims = 384),
    CONSTRAINT mapping_embeddings_metadata_check CHECK (jsonb_typeof(metadata) = 'object')
);

-- A mapping's vectors are found (and cascaded) through unique_embedding_mapping.
CREATE INDEX idx_embedding_vector_minilm ON fieldmap.mapping_embeddings
    USING hnsw ((embedding_vector::public.vector(384)) public.vector_cosine_ops)
    WHERE embedding_model = 'sentence-transformers/all-MiniLM-L6-v2';

COMMENT ON TABLE fieldmap.mapping_embeddings IS
  'fieldmap: vector embeddings of mappings for semantic search, one per mapping and model. Derived data: deleted with its mapping.';
COMMENT ON COLUMN fieldmap.mapping_embeddings.embedding_text IS 'The text that was embedded; the embedding is stale once the mapping''s text differs from it.';
COMMENT ON COLUMN fieldmap.mapping_embeddings.embedding_vector IS 'The embedding; its dimension depends on the model. NULL while pending.';
COMMENT ON COLUMN fieldmap.mapping_embeddings.embedding_model IS 'Model that produced the vector; each model has its own partial HNSW index.';
COMMENT ON COLUMN fieldmap.mapping_embeddings.embedding_dims IS 'Dimension of embedding_vector, derived.';
COMMENT ON COLUMN fieldmap.mapping_embeddings.metadata IS 'Facts used in similarity matching: field types, common patterns, ...';
COMMENT ON INDEX fieldmap.idx_embedding_vector_minilm IS 'HNSW (cosine) over all-MiniLM-L6-v2 embeddings (384 dimensions). Queries must cast to vector(384) and filter on the model to use it.';

GRANT SELECT ON fieldmap.mapping_embeddings TO fieldmap_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON fieldmap.mapping_embeddings TO fieldmap_writer;

COMMIT;
