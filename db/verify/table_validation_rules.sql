-- Verify fieldmap:table_validation_rules on pg
BEGIN;
DO $$
BEGIN
  ASSERT (SELECT verdict FROM fieldmap.type_compatibility WHERE source_type = 'picklist' AND canonical_type = 'string')
         = 'compatible', 'type_compatibility lacks picklist -> string';
  ASSERT (SELECT verdict FROM fieldmap.type_compatibility WHERE source_type = 'string' AND canonical_type = 'datetime')
         = 'needs_transform', 'type_compatibility lacks string -> datetime';
  ASSERT (SELECT max_value FROM fieldmap.range_rules WHERE entity_name = 'opportunity' AND field_name = 'probability')
         = 100, 'range_rules lack the probability range';
  ASSERT has_table_privilege('fieldmap_reader', 'fieldmap.type_compatibility', 'SELECT'),
         'fieldmap_reader cannot read type_compatibility';
END
$$;
ROLLBACK;
