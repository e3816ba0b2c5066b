-- Verify fieldmap:table_reference_codes on pg
BEGIN;
DO $$
BEGIN
  ASSERT (SELECT count(*) FROM fieldmap.currencies WHERE code IN ('EUR', 'USD', 'JPY', 'CHF')) = 4,
         'ISO 4217 currencies missing';
  ASSERT (SELECT calling_code = '49' AND trunk_prefix = '0' FROM fieldmap.phone_countries WHERE country = 'DE'),
         'phone calling codes missing';
  ASSERT has_table_privilege('fieldmap_reader', 'fieldmap.currencies', 'SELECT'), 'fieldmap_reader cannot read currencies';
END
$$;
ROLLBACK;
