-- fieldmap._check_member_role(): BEFORE INSERT OR UPDATE OF role_name on
-- tenant_members. A membership names a role as text (a catalog row cannot be
-- a foreign key), so a misspelt name was stored without a word and the role
-- meant was then refused every request (MR003) with nothing pointing at the
-- typo. The role must exist when the membership is written; a role dropped
-- later leaves a row that grants nothing, which the owner may still delete.
-- fieldmap's own group roles are refused too: every tenant's app roles hold
-- them, so listing one would let all of them act for the tenant.
CREATE OR REPLACE FUNCTION fieldmap._check_member_role()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_guess text;
BEGIN
  IF NEW.role_name IS NULL OR (TG_OP = 'UPDATE' AND NEW.role_name = OLD.role_name) THEN
    RETURN NEW;  -- NULL: the NOT NULL constraint says so; unchanged: a row whose role was since dropped may be rewritten
  END IF;
  IF NEW.role_name IN ('fieldmap_owner', 'fieldmap_writer', 'fieldmap_reader', 'fieldmap_auditor') THEN
    -- every app role of every tenant holds one of these: listing it opens the tenant to all of them
    RAISE EXCEPTION 'role "%" is one of fieldmap''s shared roles, which the app roles of every tenant hold', NEW.role_name
      USING ERRCODE = 'MR001', HINT = format('list a role of this tenant''s own (CREATE ROLE ... IN ROLE %I)', NEW.role_name);
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles r WHERE r.rolname = NEW.role_name) THEN
    v_guess := fieldmap.closest_name(NEW.role_name, ARRAY(SELECT r.rolname::text FROM pg_roles r
                                                         WHERE r.rolname !~ '^pg_'));
    RAISE EXCEPTION 'role "%" does not exist%', NEW.role_name,
      CASE WHEN v_guess IS NOT NULL THEN format(' (did you mean "%s"?)', v_guess) ELSE '' END
      USING ERRCODE = 'MR001', HINT = 'create the role first (CREATE ROLE ... IN ROLE fieldmap_writer), then list it for the tenant';
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION fieldmap._check_member_role() IS
  'Trigger: refuses a tenant membership naming a role that does not exist (a typo would otherwise lock the meant role out unexplained), or one of fieldmap''s shared roles (every tenant''s app roles hold them).';
