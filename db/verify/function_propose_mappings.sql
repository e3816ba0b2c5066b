-- Verify fieldmap:function_propose_mappings on pg
BEGIN;
DO $$
BEGIN
  ASSERT has_function_privilege('fieldmap_reader',
           'fieldmap.propose_mappings(text, text[], text[], text[], public.vector[], public.vector[], integer)', 'EXECUTE')
     AND NOT has_function_privilege('fieldmap_auditor',
           'fieldmap.propose_mappings(text, text[], text[], text[], public.vector[], public.vector[], integer)', 'EXECUTE'),
         'propose_mappings is not granted to the reader alone of the read-only roles';
  ASSERT (SELECT 'replaces' = ANY (proargnames) AND 'taken_by' = ANY (proargnames) FROM pg_proc
           WHERE oid = 'fieldmap.propose_mappings(text, text[], text[], text[], public.vector[], public.vector[], integer)'::regprocedure),
         'propose_mappings does not return taken_by and replaces';
  -- the placing: a.x goes to the field more confident of it, the other falls back on its next proposal
  ASSERT (SELECT array_agg(p.verdict || ':' || coalesce(p.placed_rank::text, '-') ORDER BY p.item)
            FROM fieldmap._placed_proposals(ARRAY['[{"target": "a.x", "confidence": 0.7}, {"target": "a.y", "confidence": 0.3}]',
                                                  '[{"target": "a.x", "confidence": 0.9}]', '[]']::jsonb[]) p)
         = ARRAY['review:2', 'confident:1', 'no_fit:-'], 'propose_mappings places its proposals wrongly';
  BEGIN  -- the body runs up to its first check
    PERFORM fieldmap.propose_mappings('c', ARRAY['T', 'T'], ARRAY['f', 'f'], NULL,
                                      ARRAY['[1]', '[1]']::public.vector[], ARRAY['[1]', '[1]']::public.vector[]);
    RAISE EXCEPTION 'a field listed twice was accepted';
  EXCEPTION WHEN SQLSTATE 'MR001' THEN
    ASSERT SQLERRM = 'T.f is listed twice (items 1, 2)', 'propose_mappings does not name the field listed twice: ' || SQLERRM;
  END;
END
$$;
ROLLBACK;
