-- Verify fieldmap:function_propose_mappings on pg
BEGIN;
DO $$
BEGIN
  ASSERT has_function_privilege('fieldmap_reader',
           'fieldmap.propose_mappings(text, text[], text[], text[], public.vector[], public.vector[], integer)', 'EXECUTE')
     AND NOT has_function_privilege('fieldmap_auditor',
           'fieldmap.propose_mappings(text, text[], text[], text[], public.vector[], public.vector[], integer)', 'EXECUTE'),
         'propose_mappings is not granted to the reader alone of the read-only roles';
  BEGIN  -- the body runs up to its first check
    PERFORM fieldmap.propose_mappings('c', ARRAY['T', 'T'], ARRAY['f', 'f'], NULL,
                                      ARRAY['[1]', '[1]']::public.vector[], ARRAY['[1]', '[1]']::public.vector[]);
    RAISE EXCEPTION 'a field listed twice was accepted';
  EXCEPTION WHEN SQLSTATE 'MR001' THEN
    ASSERT SQLERRM = 'T.f is listed twice', 'propose_mappings does not name the field listed twice: ' || SQLERRM;
  END;
END
$$;
ROLLBACK;
