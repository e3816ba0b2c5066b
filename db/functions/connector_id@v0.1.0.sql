-- fieldmap.connector_id(connector text) -> uuid
-- The id of a connector of the session's tenant by its name; an unknown name
-- is one clear error (MR004), the same for every command that names one.
CREATE OR REPLACE FUNCTION fieldmap.connector_id(connector text)
RETURNS uuid
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_id uuid;
BEGIN
  SELECT c.id INTO v_id FROM fieldmap.connector_definitions c
   WHERE c.tenant_id = fieldmap.current_tenant_id() AND c.connector_name = connector_id.connector;
  IF v_id IS NULL THEN
    RAISE EXCEPTION 'unknown connector "%"%', connector,
      coalesce(' (did you mean "' || fieldmap.closest_name(connector, ARRAY(
                 SELECT c.connector_name::text FROM fieldmap.connector_definitions c
                  WHERE c.tenant_id = fieldmap.current_tenant_id())) || '"?)', '')
      USING ERRCODE = 'MR004';
  END IF;
  RETURN v_id;
END
$$;

COMMENT ON FUNCTION fieldmap.connector_id(text) IS
  'The id of the session tenant''s connector of that name; raises MR004 for an unknown one.';
