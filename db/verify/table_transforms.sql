-- Verify fieldmap:table_transforms on pg
BEGIN;
SELECT name, description FROM fieldmap.transforms WHERE false;
DO $$
BEGIN
  ASSERT (SELECT count(*) FROM fieldmap.transforms WHERE name IN ('trim', 'lowercase', 'uppercase', 'to_decimal')) = 4,
         'the legacy transforms are not listed';
  ASSERT has_table_privilege('fieldmap_reader', 'fieldmap.transforms', 'SELECT'), 'fieldmap_reader cannot read transforms';
  ASSERT NOT has_table_privilege('fieldmap_writer', 'fieldmap.transforms', 'INSERT'), 'fieldmap_writer may add transforms';
END
$$;
ROLLBACK;
