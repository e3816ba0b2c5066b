-- Deploy fieldmap:table_reference_codes to pg
-- requires: schema_fieldmap
-- Reference data the transforms and the range checks read, shared by all
-- tenants: ISO 4217 currencies, and country calling codes with their
-- national trunk prefixes (for E.164 phone numbers). The rows are generated
-- from maintained sources (scripts/gen_reference_data.py) into db/data/.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE TABLE fieldmap.currencies (
    code          text PRIMARY KEY,
    name          text NOT NULL,
    numeric_code  text,

    CONSTRAINT currencies_code_check CHECK (code ~ '^[A-Z]{3}$')
);

CREATE TABLE fieldmap.phone_countries (
    country       text PRIMARY KEY,
    calling_code  text NOT NULL,
    trunk_prefix  text,

    CONSTRAINT phone_countries_country_check CHECK (country ~ '^[A-Z]{2}$'),
    CONSTRAINT phone_countries_calling_code_check CHECK (calling_code ~ '^[1-9][0-9]{0,2}$')
);

\ir ../data/currencies.sql
\ir ../data/phone_countries.sql

COMMENT ON TABLE fieldmap.currencies IS 'fieldmap: ISO 4217 currencies (to_currency_code, range checks of currency fields).';
COMMENT ON COLUMN fieldmap.currencies.code IS 'The alphabetic code, e.g. EUR.';
COMMENT ON COLUMN fieldmap.currencies.numeric_code IS 'The numeric code, e.g. 978.';
COMMENT ON TABLE fieldmap.phone_countries IS 'fieldmap: country calling codes and national trunk prefixes (normalize_phone to E.164).';
COMMENT ON COLUMN fieldmap.phone_countries.country IS 'ISO 3166-1 alpha-2 code of the country or region, e.g. DE.';
COMMENT ON COLUMN fieldmap.phone_countries.calling_code IS 'Its international calling code, e.g. 49.';
COMMENT ON COLUMN fieldmap.phone_countries.trunk_prefix IS 'The prefix of national numbers that E.164 drops (0 in DE, 1 in US); NULL where numbers keep it (IT).';

GRANT SELECT ON fieldmap.currencies, fieldmap.phone_countries TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
