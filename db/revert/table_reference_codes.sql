-- Revert fieldmap:table_reference_codes from pg
BEGIN;
SELECT fieldmap._refuse_revert_over_data();  -- no tables dropped under a registry's data
DROP TABLE fieldmap.phone_countries;
DROP TABLE fieldmap.currencies;
COMMIT;
