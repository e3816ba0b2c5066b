-- Deploy fieldmap:table_transforms to pg
-- requires: schema_fieldmap
-- The transforms a mapping may name (the transform: key of a mapping file,
-- transformation_rule->>'transform'). Shared reference data, like the
-- canonical entities: imports refuse a name that is not listed here.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE TABLE fieldmap.transforms (
    name         text PRIMARY KEY,
    description  text NOT NULL,

    CONSTRAINT transforms_name_check CHECK (name ~ '^[a-z][a-z0-9_]*$')
);

INSERT INTO fieldmap.transforms (name, description) VALUES
  ('trim', 'Removes leading and trailing white space.'),
  ('lowercase', 'Lower-cases text.'),
  ('uppercase', 'Upper-cases text.'),
  ('to_integer', 'Text or number to an integer.'),
  ('to_decimal', 'Text or number to an exact decimal.'),
  ('to_number', 'Text or number to a floating-point number.'),
  ('to_boolean', 'true/false, yes/no, 1/0, on/off (any case) to a boolean.'),
  ('to_timestamp', 'ISO 8601, epoch seconds or milliseconds, or vendor date-time forms to a timestamp.'),
  ('to_date', 'Date forms to a date.'),
  ('to_currency_code', 'A currency to its ISO 4217 code.'),
  ('normalize_email', 'Trims and lower-cases an e-mail address.'),
  ('normalize_phone', 'A phone number to E.164 where the country is known.'),
  ('split_full_name', 'A full name to first and last name.'),
  ('map_values', 'Translates picklist values through the table in transformation_rule.');

COMMENT ON TABLE fieldmap.transforms IS
  'fieldmap: the transforms a mapping may name (transformation_rule->>''transform''), shared by all tenants.';
COMMENT ON COLUMN fieldmap.transforms.name IS 'The name mappings use, e.g. lowercase.';
COMMENT ON COLUMN fieldmap.transforms.description IS 'What the transform does to a value.';

GRANT SELECT ON fieldmap.transforms TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
