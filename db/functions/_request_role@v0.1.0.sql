-- fieldmap._request_role() -> name
-- fieldmap._request_is_owner() -> boolean
-- The role a request runs as: the role set by SET ROLE (a pooler's or a
-- PostgREST-style authenticator's per-request switch), else the login role.
-- Tenant membership is decided for this role, never for session_user alone:
-- an authenticator that is a member of several tenants' roles acts, after
-- SET ROLE t_alpha, only for what t_alpha may do.
-- Why the setting `role` and not current_user: inside SECURITY DEFINER code
-- (import, history, seal, verify) current_user is the function's owner, while
-- the setting still names the role of the request. It cannot be forged: it is
-- changed only by SET ROLE (or set_config('role', ...), the same command),
-- which PostgreSQL allows only to a role the session may become, and never
-- inside SECURITY DEFINER code. RESET ROLE gives 'none', i.e. the login role.
-- "May act as" means USAGE, the privileges the role really holds: a NOINHERIT
-- authenticator holds none of its members' tenants until it switches role.
-- Both are inlined into their callers (the row-level security check runs at
-- every statement): plain SQL, no SET clause (which would stop inlining), so
-- every name is schema-qualified instead; internal, called only from
-- fieldmap's SECURITY DEFINER functions, whose search_path is pinned.
CREATE OR REPLACE FUNCTION fieldmap._request_role()
RETURNS name
LANGUAGE sql
STABLE PARALLEL SAFE  -- parallel workers receive the leader's role setting
AS $$
  SELECT CASE WHEN pg_catalog.current_setting('role') OPERATOR(pg_catalog.=) 'none' THEN session_user
              ELSE pg_catalog.current_setting('role')::pg_catalog.name END
$$;

CREATE OR REPLACE FUNCTION fieldmap._request_is_owner()
RETURNS boolean
LANGUAGE sql
STABLE PARALLEL SAFE
AS $$
  SELECT pg_catalog.pg_has_role(fieldmap._request_role(), 'fieldmap_owner', 'USAGE')
$$;

COMMENT ON FUNCTION fieldmap._request_role() IS
  'Internal: the role the request runs as (the SET ROLE role, else the login role), also inside SECURITY DEFINER code; tenant membership is decided for it.';
COMMENT ON FUNCTION fieldmap._request_is_owner() IS
  'Internal: does the request''s role hold fieldmap_owner''s privileges (superusers and inheriting members of fieldmap_owner)?';
