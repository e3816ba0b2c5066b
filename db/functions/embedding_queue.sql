-- fieldmap.pending_embeddings(model text, batch_size integer DEFAULT 256, after text DEFAULT NULL)
--   -> (kind, key, embedding_text, content_hash)
-- fieldmap.put_embeddings(model text, kinds text[], keys text[], hashes text[], vectors vector[])
--   -> (stored, ignored)
-- fieldmap.pending_embedding_count(model text) -> bigint
-- fieldmap.schema_embeddings_missing(model text) -> (missing, may_store)
-- The work queue of `fieldmap embed`, decided in the database: what needs a
-- vector (no vector for the model yet, or one computed from another text)
-- and whether a computed vector may still be stored. The glue only encodes.
--   kinds: 'entity' and 'field' (the canonical schema, keys 'account' and
--   'account.name'; shared by all tenants, so only a role that may write
--   schema_embeddings, the owner, is handed them, first; alone when no
--   tenant is in context, so they are embedded before any tenant exists)
--   and 'mapping' (the session tenant's mappings, key = the mapping's id,
--   one row of the view mappings_to_embed). Each in key order,
--   batch_size in all, after `after` (the last key of the previous batch),
--   so a run pages through the queue once.
-- put_embeddings stores a vector only if the text it was computed from
-- (its hash) is still the text of its key: a mapping renamed while its
-- vector was computed stays pending. A wrong dimension, a vector with no
-- direction (zeros, or too near them: no cosine distance to anything) or a
-- key given twice refuses the whole batch, naming the first key at fault;
-- nothing is written.

CREATE OR REPLACE FUNCTION fieldmap._embedding_model_dims(model text)
RETURNS integer
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_dims integer;
BEGIN
  SELECT m.dims INTO v_dims FROM fieldmap.embedding_models m WHERE m.name = model;
  IF v_dims IS NULL THEN
    RAISE EXCEPTION 'unknown embedding model "%"%', model,
      coalesce(' (did you mean "' || fieldmap.closest_name(model, ARRAY(SELECT m.name::text FROM fieldmap.embedding_models m))
               || '"?)', ' (registered: ' || (SELECT string_agg(m.name, ', ' ORDER BY m.name) FROM fieldmap.embedding_models m) || ')')
      USING ERRCODE = 'MR004', HINT = 'an owner registers a model with fieldmap.add_embedding_model(name, dims)';
  END IF;
  RETURN v_dims;
END
$$;

CREATE OR REPLACE FUNCTION fieldmap._stores_schema_vectors()
RETURNS boolean
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  -- the schema's vectors are shared by all tenants: only a role that may
  -- write them (the owner) is handed their texts to compute
  SELECT has_table_privilege('fieldmap.schema_embeddings', 'INSERT')
$$;

CREATE OR REPLACE FUNCTION fieldmap._schema_texts_to_embed(model text)
RETURNS TABLE (kind text, key text, embedding_text text)
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  -- a canonical entity's or field's text without a vector of the model
  -- computed from it, keyed 'account' (an entity) or 'account.name' (a field)
  SELECT CASE WHEN t.field_name = '' THEN 'entity' ELSE 'field' END,
         t.entity_name || CASE WHEN t.field_name = '' THEN '' ELSE '.' || t.field_name END,
         t.embedding_text
    FROM fieldmap.schema_embedding_texts t
    LEFT JOIN fieldmap.schema_embeddings e
      ON e.embedding_model = model AND e.entity_name = t.entity_name AND e.field_name = t.field_name
   WHERE e.embedding_text IS DISTINCT FROM t.embedding_text
$$;

CREATE OR REPLACE FUNCTION fieldmap.schema_embeddings_missing(model text)
RETURNS TABLE (missing bigint, may_store boolean)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM fieldmap._embedding_model_dims(model);  -- an unknown model is an error, not 0
  RETURN QUERY SELECT count(*), fieldmap._stores_schema_vectors() FROM fieldmap._schema_texts_to_embed(model) t;
END
$$;

CREATE OR REPLACE FUNCTION fieldmap.pending_embeddings(model text, batch_size integer DEFAULT 256, after text DEFAULT NULL)
RETURNS TABLE (kind text, key text, embedding_text text, content_hash text)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
-- planned afresh each call: a push calls it page after page while the
-- vectors table grows, and the plan PL/pgSQL kept after five calls, made
-- when the table was empty, probed each mapping by a sequential scan of it
-- (0.35 ms a mapping at 2,000 vectors, growing)
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
  v_after  uuid := fieldmap._as_uuid(after);
  v_handed integer := 0;
BEGIN
  PERFORM fieldmap._embedding_model_dims(model);
  IF batch_size IS NULL OR batch_size NOT BETWEEN 1 AND 100000 THEN
    RAISE EXCEPTION 'batch_size must be 1 to 100000, not %', coalesce(batch_size::text, 'NULL') USING ERRCODE = 'MR001';
  END IF;
  -- after: the last key of the previous batch, a mapping's id or (for the
  -- owner, whose batches begin with the schema) an entity's or field's key,
  -- which need not exist any more (entities reloaded during the run): it only orders
  IF after IS NOT NULL AND v_after IS NULL AND after !~ '^[^.\s]+(\.[^.\s]+)?$' THEN
    RAISE EXCEPTION 'after must be the last key of the previous batch (a mapping id, or an entity or field key such as account.name), not "%"',
      left(after, 80) USING ERRCODE = 'MR001';
  END IF;
  IF v_after IS NULL AND fieldmap._stores_schema_vectors() THEN
    RETURN QUERY
      SELECT t.kind, t.key, t.embedding_text, md5(t.embedding_text)
        FROM fieldmap._schema_texts_to_embed(model) t
       WHERE after IS NULL OR t.key > after
       ORDER BY t.key
       LIMIT batch_size;
    GET DIAGNOSTICS v_handed = ROW_COUNT;
    IF coalesce(current_setting('fieldmap.tenant_id', true), '') = '' THEN
      RETURN;  -- no tenant in context: the owner asks for the schema's texts alone
    END IF;
  END IF;
  IF v_handed = batch_size THEN
    RETURN;
  END IF;
  -- a changed text has no vector (trigger _30_drop_stale_embeddings), so
  -- only the texts handed out are computed
  RETURN QUERY
    SELECT 'mapping', p.id::text, p.text, md5(p.text)
      FROM (SELECT t.field_mapping_id AS id, fieldmap.embedding_text(t.source_table, t.source_field) AS text
              FROM fieldmap.mappings_to_embed t
             WHERE t.tenant_id = (SELECT fieldmap.current_tenant_id()) AND t.embedding_model = model
               AND (v_after IS NULL OR t.field_mapping_id > v_after)
             ORDER BY t.field_mapping_id
             LIMIT batch_size - v_handed) p;
END
$$;

CREATE OR REPLACE FUNCTION fieldmap.pending_embedding_count(model text)
RETURNS bigint
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM fieldmap._embedding_model_dims(model);  -- an unknown model is an error, not 0
  -- what pending_embeddings hands out: the schema's texts to a role that may
  -- store them (alone without a tenant in context), the session tenant's
  -- mappings counted without computing their texts
  RETURN CASE WHEN fieldmap._stores_schema_vectors() THEN (SELECT count(*) FROM fieldmap._schema_texts_to_embed(model))
              ELSE 0 END
       + CASE WHEN fieldmap._stores_schema_vectors() AND coalesce(current_setting('fieldmap.tenant_id', true), '') = ''
              THEN 0
              ELSE (SELECT count(*) FROM fieldmap.mappings_to_embed t
                     WHERE t.tenant_id = (SELECT fieldmap.current_tenant_id()) AND t.embedding_model = model) END;
END
$$;

CREATE OR REPLACE FUNCTION fieldmap.put_embeddings(model text, kinds text[], keys text[], hashes text[],
                                                   vectors public.vector[])
RETURNS TABLE (stored integer, ignored integer)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_dims   integer := fieldmap._embedding_model_dims(model);
  v_n      integer := cardinality(keys);
  v_bad    record;
  v_stored integer := 0;
  v_count  integer;
BEGIN
  IF v_n IS NULL OR cardinality(kinds) IS DISTINCT FROM v_n OR cardinality(hashes) IS DISTINCT FROM v_n
     OR cardinality(vectors) IS DISTINCT FROM v_n THEN
    RAISE EXCEPTION 'kinds, keys, hashes and vectors must be arrays of one length (% kinds, % keys, % hashes, % vectors)',
      coalesce(cardinality(kinds), 0), coalesce(v_n, 0), coalesce(cardinality(hashes), 0), coalesce(cardinality(vectors), 0)
      USING ERRCODE = 'MR001';
  END IF;
  -- a key twice in one batch would make the INSERT's ON CONFLICT touch a row twice (21000)
  -- a vector with no direction (zeros, or too near them) has a cosine
  -- distance of NaN, to itself too (the tables' nonzero checks)
  SELECT x.k, x.kind, public.vector_dims(x.v) AS dims, x.no_direction, x.copies
    INTO v_bad
    FROM (SELECT u.*, public.cosine_distance(u.v, u.v) = 'NaN' AS no_direction,
                 count(*) OVER (PARTITION BY u.kind, CASE WHEN u.kind = 'mapping'
                                                          THEN fieldmap._as_uuid(u.k)::text ELSE u.k END) AS copies
            FROM unnest(kinds, keys, vectors) WITH ORDINALITY AS u(kind, k, v, n)) x
   WHERE x.v IS NULL OR public.vector_dims(x.v) <> v_dims OR x.kind IS NULL OR x.kind NOT IN ('mapping', 'entity', 'field')
      OR x.k IS NULL OR (x.kind = 'mapping' AND fieldmap._as_uuid(x.k) IS NULL) OR x.no_direction OR x.copies > 1
   ORDER BY x.n LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION '%', CASE
      WHEN v_bad.kind IS NULL OR v_bad.kind NOT IN ('mapping', 'entity', 'field')
        THEN format('kind %s of key %s is not mapping, entity or field', coalesce(v_bad.kind, 'NULL'), v_bad.k)
      WHEN v_bad.k IS NULL THEN 'a key is NULL'
      WHEN v_bad.kind = 'mapping' AND fieldmap._as_uuid(v_bad.k) IS NULL THEN format('mapping key %s is not a mapping id', v_bad.k)
      WHEN v_bad.dims IS NULL THEN format('the vector of %s %s is NULL', v_bad.kind, v_bad.k)
      WHEN v_bad.dims <> v_dims
        THEN format('the vector of %s %s has %s dimensions; model "%s" has %s', v_bad.kind, v_bad.k, v_bad.dims, model, v_dims)
      WHEN v_bad.no_direction THEN format('the vector of %s %s is all zeros, or too near them: it has no cosine distance to anything',
                                v_bad.kind, v_bad.k)
      ELSE format('%s %s is %s times in the batch: one vector a key', v_bad.kind, v_bad.k, v_bad.copies)
    END USING ERRCODE = 'MR001';
  END IF;

  IF EXISTS (SELECT FROM unnest(kinds) k WHERE k = 'mapping') THEN  -- a schema batch needs no tenant
    -- stored unindexed: index_new_embeddings (pg_cron) adds them to the HNSW
    -- indexes later, since an HNSW insert costs more than encoding the text
    -- (embedding_index_deferred); search reads them exactly meanwhile
    INSERT INTO fieldmap.mapping_embeddings (tenant_id, field_mapping_id, embedding_text, embedding_vector, embedding_model,
                                             indexed)
    SELECT f.tenant_id, f.id, t.text, x.v, model, false
      FROM unnest(kinds, keys, hashes, vectors) AS x(kind, k, h, v)
      JOIN fieldmap.field_mappings f ON f.tenant_id = (SELECT fieldmap.current_tenant_id())
                                    AND f.id = CASE WHEN x.kind = 'mapping' THEN x.k::uuid END  -- no cast of schema keys
     -- OFFSET 0: computed once a row; inlined, it was computed for the hash and again for the stored text
     CROSS JOIN LATERAL (SELECT fieldmap.embedding_text(f.source_table, f.source_field) AS text OFFSET 0) t
     WHERE x.kind = 'mapping' AND md5(t.text) = x.h
    ON CONFLICT (tenant_id, field_mapping_id, embedding_model) DO UPDATE
       SET embedding_text = EXCLUDED.embedding_text, embedding_vector = EXCLUDED.embedding_vector, created_at = now(),
           indexed = false;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    v_stored := v_stored + v_count;
  END IF;

  IF EXISTS (SELECT FROM unnest(kinds) k WHERE k <> 'mapping') THEN
    INSERT INTO fieldmap.schema_embeddings (embedding_model, entity_name, field_name, embedding_text, embedding_vector)
    SELECT model, t.entity_name, t.field_name, t.embedding_text, x.v
      FROM unnest(kinds, keys, hashes, vectors) AS x(kind, k, h, v)
      JOIN fieldmap.schema_embedding_texts t
        ON t.entity_name = split_part(x.k, '.', 1)
       AND t.field_name = CASE x.kind WHEN 'field' THEN split_part(x.k, '.', 2) ELSE '' END
     WHERE x.kind <> 'mapping' AND md5(t.embedding_text) = x.h
    ON CONFLICT (embedding_model, entity_name, field_name) DO UPDATE
       SET embedding_text = EXCLUDED.embedding_text, embedding_vector = EXCLUDED.embedding_vector, created_at = now();
    GET DIAGNOSTICS v_count = ROW_COUNT;
    v_stored := v_stored + v_count;
  END IF;
  RETURN QUERY SELECT v_stored, v_n - v_stored;
END
$$;

COMMENT ON FUNCTION fieldmap._embedding_model_dims(text) IS
  'Internal: the dimension of a registered embedding model; an unknown model is an error with a did-you-mean.';
COMMENT ON FUNCTION fieldmap._stores_schema_vectors() IS
  'Internal: whether this role may write the canonical schema''s vectors (shared by all tenants: the owner), and so is handed their texts.';
COMMENT ON FUNCTION fieldmap._schema_texts_to_embed(text) IS
  'Internal: the canonical entities and fields whose text has no vector of the model computed from it, with their kind and key (account, account.name).';
COMMENT ON FUNCTION fieldmap.schema_embeddings_missing(text) IS
  'How many canonical entity and field texts lack a vector of the model (suggestions need them), and whether this role may store them (only the owner is handed them).';
COMMENT ON FUNCTION fieldmap.pending_embeddings(text, integer, text) IS
  'What needs a vector of the model, batch_size rows after `after` (the last key of the previous batch): the canonical schema''s entities and fields (for roles that may write them), then (with a tenant in context) the session tenant''s mappings in id order; kind, key, the text to encode and its MD5 for put_embeddings.';
COMMENT ON FUNCTION fieldmap.pending_embedding_count(text) IS
  'How many items pending_embeddings would hand out for the model, for progress reports.';
COMMENT ON FUNCTION fieldmap.put_embeddings(text, text[], text[], text[], public.vector[]) IS
  'Stores a batch of vectors of the model in one call: each only if its text (the hash handed out) is still current; a wrong dimension, a vector with no direction (zeros, or too near them) or a key given twice refuses the batch. Returns how many were stored and ignored.';
