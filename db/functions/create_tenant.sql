-- fieldmap.create_tenant(slug text, name text, settings jsonb, if_not_exists boolean) -> uuid
-- Tenants are created explicitly (an import never creates one). Owner only.
CREATE OR REPLACE FUNCTION fieldmap.create_tenant(slug text, name text DEFAULT NULL, settings jsonb DEFAULT '{}',
                                                  if_not_exists boolean DEFAULT false)
RETURNS uuid
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_id uuid;
BEGIN
  PERFORM fieldmap.check_handle(slug, 'tenant slug');
  IF jsonb_typeof(settings) <> 'object' THEN  -- the table's CHECK would say it too, but not as an input error
    RAISE EXCEPTION 'tenant settings must be a JSON object, not %', jsonb_typeof(settings) USING ERRCODE = 'MR001';
  END IF;
  SELECT t.id INTO v_id FROM fieldmap.tenants t WHERE t.slug = create_tenant.slug;
  IF FOUND THEN
    IF if_not_exists THEN
      RETURN v_id;
    END IF;
    RAISE EXCEPTION 'tenant "%" already exists', slug USING ERRCODE = 'MR005';
  END IF;
  INSERT INTO fieldmap.tenants (slug, name, settings)
  VALUES (slug, coalesce(name, slug), coalesce(settings, '{}'))
  RETURNING id INTO v_id;
  RETURN v_id;
END
$$;

COMMENT ON FUNCTION fieldmap.create_tenant(text, text, jsonb, boolean) IS
  'Creates a tenant (slug: lowercase letters, digits, _ and -). With if_not_exists, returns the existing one instead of failing.';
