-- Verify fieldmap:function_transforms on pg
BEGIN;
DO $$
BEGIN
  ASSERT fieldmap.transform('to_boolean', '"Yes"') = 'true', 'to_boolean does not read Yes';
  ASSERT fieldmap.transform('to_timestamp', '"05.03.2024 14:22"') = '"2024-03-05T14:22:00Z"', 'to_timestamp does not read d.m.y';
  ASSERT fieldmap.transform('map_values', '"closedwon"', '{"values": {"closedwon": "Closed Won"}}') = '"Closed Won"',
         'map_values does not translate';
  ASSERT fieldmap.try_transform('to_integer', '"12.5"') ? 'error', 'to_integer accepts 12.5';
  ASSERT fieldmap.transform_rule_problem('{"transform": "upprecase"}') LIKE '%did you mean "uppercase"%',
         'an unknown transform is not refused';
  ASSERT has_function_privilege('fieldmap_reader', 'fieldmap.transform(text, jsonb, jsonb)', 'EXECUTE'),
         'fieldmap_reader cannot transform';
END
$$;
ROLLBACK;
