-- Verify fieldmap:function_vector_index_plan on pg
BEGIN;
DO $$
BEGIN
  ASSERT to_regprocedure('fieldmap.vector_index_plan()') IS NOT NULL, 'function vector_index_plan() missing';
  ASSERT NOT has_function_privilege('public', 'fieldmap._wants_own_index(boolean, bigint, double precision, boolean)',
                                    'EXECUTE'), '_wants_own_index is granted to PUBLIC';
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap.vector_index_plan()', 'EXECUTE')
     AND NOT has_function_privilege('fieldmap_reader', 'fieldmap.vector_index_plan()', 'EXECUTE')
     AND NOT has_function_privilege('fieldmap_auditor', 'fieldmap.vector_index_plan()', 'EXECUTE'),
         'vector_index_plan is granted to an app role';
  -- the rule: (vectors, share, has an index) -> wanted, of a tenant, then of a connector
  ASSERT (SELECT array_agg(fieldmap._wants_own_index(false, v, s, h) ORDER BY n)
            FROM (VALUES (1, 5000, 0.5, false), (2, 4999, 0.1, false), (3, 9000, 0.51, false),
                         (4, 2500, 0.75, true), (5, 2499, 0.1, true), (6, 9000, 0.76, true)) AS c (n, v, s, h))
         = ARRAY[true, false, false, true, false, false], 'the rule of _wants_own_index is wrong for a tenant';
  ASSERT (SELECT array_agg(fieldmap._wants_own_index(true, v, s, h) ORDER BY n)
            FROM (VALUES (1, 2500, 0.2, false), (2, 2499, 0.1, false), (3, 9000, 0.21, false),
                         (4, 1250, 0.3, true), (5, 1249, 0.1, true), (6, 9000, 0.31, true)) AS c (n, v, s, h))
         = ARRAY[true, false, false, true, false, false], 'the rule of _wants_own_index is wrong for a connector';
  PERFORM connector FROM fieldmap.vector_index_plan();  -- (the column a connector's index is named in)
END
$$;
ROLLBACK;
