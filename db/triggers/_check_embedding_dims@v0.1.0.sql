-- fieldmap._check_embedding_dims(): BEFORE INSERT OR UPDATE of a stored
-- vector. A vector must have its model's dimension (fieldmap.embedding_models):
-- a 1536-d vector stored under a 384-d model would make its HNSW index (built
-- on a cast to the model's dimension) fail for every later insert, and a
-- search compare vectors of different spaces.
CREATE OR REPLACE FUNCTION fieldmap._check_embedding_dims()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_dims integer;
BEGIN
  IF NEW.embedding_vector IS NULL THEN
    RETURN NEW;
  END IF;
  SELECT m.dims INTO v_dims FROM fieldmap.embedding_models m WHERE m.name = NEW.embedding_model;
  IF public.vector_dims(NEW.embedding_vector) IS DISTINCT FROM v_dims THEN
    RAISE EXCEPTION 'a vector of % dimensions cannot be stored for model "%", which has %',
      public.vector_dims(NEW.embedding_vector), NEW.embedding_model, coalesce(v_dims::text, 'no registered dimension')
      USING ERRCODE = 'MR001';
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION fieldmap._check_embedding_dims() IS
  'Trigger: refuses a vector whose dimension is not its model''s (fieldmap.embedding_models).';
