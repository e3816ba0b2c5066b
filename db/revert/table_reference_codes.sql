-- Revert fieldmap:table_reference_codes from pg
BEGIN;
DROP TABLE fieldmap.phone_countries;
DROP TABLE fieldmap.currencies;
COMMIT;
