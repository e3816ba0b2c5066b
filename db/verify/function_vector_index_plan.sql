-- Verify fieldmap:function_vector_index_plan on pg
BEGIN;
DO $$
BEGIN
  ASSERT to_regprocedure('fieldmap.vector_index_plan()') IS NOT NULL, 'function vector_index_plan() missing';
  ASSERT NOT has_function_privilege('fieldmap_writer', 'fieldmap.vector_index_plan()', 'EXECUTE')
     AND NOT has_function_privilege('fieldmap_reader', 'fieldmap.vector_index_plan()', 'EXECUTE'),
         'vector_index_plan is granted to an app role';
  INSERT INTO fieldmap.embedding_models (name, dims) VALUES ('verify/plan-2d', 2);
  ASSERT NOT EXISTS (SELECT FROM fieldmap.vector_index_plan() p WHERE p.model = 'verify/plan-2d'),
         'vector_index_plan plans an index for a model without vectors';
END
$$;
ROLLBACK;
