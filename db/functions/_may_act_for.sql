-- fieldmap._may_act_for(tenant uuid) -> boolean
-- Whether the session's login role may act for the tenant: members of
-- fieldmap_owner always; others through tenant_members. session_user, not
-- current_user: inside SECURITY DEFINER code current_user is the owner.
CREATE OR REPLACE FUNCTION fieldmap._may_act_for(tenant uuid)
RETURNS boolean
LANGUAGE sql
STABLE PARALLEL SAFE  -- lets verification and reports under RLS run in parallel
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
  SELECT pg_has_role(session_user, 'fieldmap_owner', 'MEMBER')
      OR EXISTS (SELECT FROM fieldmap.tenant_members m
                  WHERE m.tenant_id = tenant AND pg_has_role(session_user, m.role_name, 'MEMBER'))
$$;

COMMENT ON FUNCTION fieldmap._may_act_for(uuid) IS
  'Internal: may the session''s login role act for this tenant (owner members always; others via tenant_members)?';
