-- Verify fieldmap:function_suggest on pg
BEGIN;
SELECT 'fieldmap.suggest_fields(text, text, text[], text[], public.vector[], public.vector, integer)'::regprocedure,
       'fieldmap.suggest_mapping(text, text, text, text, public.vector, integer, public.vector)'::regprocedure;
DO $$
BEGIN
  ASSERT has_function_privilege('fieldmap_reader',
           'fieldmap.suggest_mapping(text, text, text, text, public.vector, integer, public.vector)', 'EXECUTE'),
         'fieldmap_reader cannot ask for suggestions';
END
$$;
ROLLBACK;
