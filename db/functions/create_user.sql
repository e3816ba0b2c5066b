-- fieldmap.create_user(email text, display_name text, if_not_exists boolean) -> uuid
-- A user of the session's tenant: the actor that set_context records in the
-- audit trail. Owner only, like create_tenant: people are added by an
-- administrator, not by the applications that act for them.
CREATE OR REPLACE FUNCTION fieldmap.create_user(email text, display_name text DEFAULT NULL,
                                                if_not_exists boolean DEFAULT false)
RETURNS uuid
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_tenant uuid := fieldmap.current_tenant_id();
  v_id     uuid;
BEGIN
  IF v_tenant = '00000000-0000-0000-0000-000000000000' THEN
    RAISE EXCEPTION 'the system tenant holds the shared canonical entities; add users to a customer''s tenant'
      USING ERRCODE = 'MR001';
  END IF;
  IF email IS NULL OR email !~ '^[^@\s]+@[^@\s]+$' OR length(email) > 320 THEN
    RAISE EXCEPTION 'e-mail address "%" is invalid', email USING ERRCODE = 'MR001';
  END IF;
  SELECT u.id INTO v_id FROM fieldmap.users u WHERE u.tenant_id = v_tenant AND u.email = create_user.email;
  IF FOUND THEN
    IF if_not_exists THEN
      RETURN v_id;
    END IF;
    RAISE EXCEPTION 'user "%" already exists in this tenant', email USING ERRCODE = 'MR005';
  END IF;
  INSERT INTO fieldmap.users (tenant_id, email, display_name)
  VALUES (v_tenant, email, display_name)
  RETURNING id INTO v_id;
  RETURN v_id;
END
$$;

COMMENT ON FUNCTION fieldmap.create_user(text, text, boolean) IS
  'Adds a user (the actor of set_context) to the session''s tenant; with if_not_exists, returns the existing one. Owner only.';
