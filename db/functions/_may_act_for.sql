-- fieldmap._may_act_for(tenant uuid) -> boolean
-- Whether the request's role (fieldmap._request_role(): the SET ROLE role,
-- else the login role) may act for the tenant: roles holding fieldmap_owner's
-- privileges always; others when they hold the privileges of a role listed
-- for the tenant in tenant_members (USAGE: the role itself, or a role it
-- inherits from). A NOINHERIT authenticator therefore reaches no tenant until
-- it switches to a tenant's role, and then only that tenant.
-- A membership whose role has since been dropped grants nothing: the role is
-- looked up with to_regrole (NULL when missing), where pg_has_role given the
-- name raised, and one stale row locked every non-owner out of list_tenants.
-- It reads tenant_members, which only the owner may read, so it serves only
-- fieldmap's SECURITY DEFINER functions (current_tenant_id, _resolve_tenant).
-- PL/pgSQL, so that its query's plan is kept for the session: as a SQL
-- function PostgreSQL 15 never inlined it (a sub-select stops that) and
-- planned it afresh at each statement's tenant check, which took 0.21 ms
-- a statement then and 0.06 ms now (pgbench, the owner; its SET clause
-- costs a search_path switch a call). As a SECURITY DEFINER function of its
-- own it had cost a user switch at every such check too.
CREATE OR REPLACE FUNCTION fieldmap._may_act_for(tenant uuid)
RETURNS boolean
LANGUAGE plpgsql
STABLE PARALLEL SAFE  -- lets verification and reports under RLS run in parallel
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN fieldmap._request_is_owner()
      OR EXISTS (SELECT FROM fieldmap.tenant_members m
                  WHERE m.tenant_id = tenant
                    AND pg_has_role(fieldmap._request_role(), to_regrole(quote_ident(m.role_name)), 'USAGE'));
END
$$;

COMMENT ON FUNCTION fieldmap._may_act_for(uuid) IS
  'Internal: may the request''s role (SET ROLE role, else login role) act for this tenant? Owner privileges always; others via tenant_members.';
