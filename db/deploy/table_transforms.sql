-- Deploy fieldmap:table_transforms to pg
-- requires: schema_fieldmap
-- The transforms a mapping may name (transformation_rule->>'transform', the
-- transform: key of a mapping file, coercion_function), with the rule keys
-- each reads and the registry type it produces. Shared reference data, like
-- the canonical entities: the database refuses a mapping that names a
-- transform not listed here, or a rule its transform cannot read.
BEGIN;
SET LOCAL ROLE fieldmap_owner;

CREATE TABLE fieldmap.transforms (
    name           text PRIMARY KEY,
    description    text NOT NULL,
    output_type    text NOT NULL,
    rule_keys      text[] NOT NULL DEFAULT '{}',
    required_keys  text[] NOT NULL DEFAULT '{}',

    CONSTRAINT transforms_name_check CHECK (name ~ '^[a-z][a-z0-9_]*$'),
    CONSTRAINT transforms_output_type_check CHECK (
        output_type IN ('string', 'integer', 'number', 'decimal', 'boolean', 'datetime', 'date', 'any')),
    CONSTRAINT transforms_required_keys_check CHECK (required_keys <@ rule_keys)
);

INSERT INTO fieldmap.transforms (name, description, output_type, rule_keys, required_keys) VALUES
  ('to_text', 'Text from a number or true/false (an integer id into a text id field); text stays as it is.', 'string',
   '{}', '{}'),
  ('trim', 'Removes leading and trailing white space from text.', 'string', '{}', '{}'),
  ('lowercase', 'Lower-cases text.', 'string', '{}', '{}'),
  ('uppercase', 'Upper-cases text.', 'string', '{}', '{}'),
  ('to_integer', 'A whole number, from a number or its text (1,234 and 12.0 accepted; 12.5 refused).', 'integer', '{}', '{}'),
  ('to_decimal', 'An exact decimal, as text (no float rounding), from a number or its text.', 'decimal', '{}', '{}'),
  ('to_number', 'A floating-point number, from a number or its text.', 'number', '{}', '{}'),
  ('to_boolean', 'true/false, yes/no, 1/0, on/off in any case, to a boolean.', 'boolean', '{}', '{}'),
  ('to_timestamp',
   'ISO 8601 with or without zone, epoch seconds or milliseconds, or a day/month form, to an ISO 8601 UTC timestamp. '
   'Day/month forms: d.m.y is day first; m/d/y and m-d-y are month first unless the rule says date_order DMY; '
   'two-digit years 00-69 are 20xx, 70-99 19xx; a time without zone is in the rule''s timezone (default UTC).',
   'datetime', '{date_order,timezone}', '{}'),
  ('to_date', 'The calendar date as written (the same forms as to_timestamp; epoch values in UTC), as YYYY-MM-DD.',
   'date', '{date_order,timezone}', '{}'),
  ('to_currency_code', 'A currency code, name or unambiguous sign (EUR, euro, €) to its ISO 4217 code.', 'string', '{}', '{}'),
  ('normalize_email', 'Trims and lower-cases an e-mail address; refuses what is not one.', 'string', '{}', '{}'),
  ('normalize_phone',
   'A phone number to E.164 (+4930123456): international numbers as they are, national ones with the rule''s country.',
   'string', '{country}', '{}'),
  ('split_full_name', 'The first or last name (rule part) of a full name ("Jane Q. Doe", "Doe, Jane", "Ludwig van Beethoven").',
   'string', '{part}', '{part}'),
  ('map_values', 'Translates picklist values through the rule''s values table (vendor stage -> canonical stage); '
   'an unlisted value is an error unless the rule has a default.', 'any', '{values,default}', '{values}');

COMMENT ON TABLE fieldmap.transforms IS
  'fieldmap: the transforms a mapping may name (transformation_rule->>''transform'', coercion_function), shared by all tenants.';
COMMENT ON COLUMN fieldmap.transforms.name IS 'The name mappings use, e.g. lowercase.';
COMMENT ON COLUMN fieldmap.transforms.description IS 'What the transform does to a value, and the rules it follows.';
COMMENT ON COLUMN fieldmap.transforms.output_type IS 'The registry type it produces (type_check compares it with the canonical field''s); any for map_values.';
COMMENT ON COLUMN fieldmap.transforms.rule_keys IS 'The keys of transformation_rule it reads, besides transform.';
COMMENT ON COLUMN fieldmap.transforms.required_keys IS 'The rule keys it cannot do without.';

GRANT SELECT ON fieldmap.transforms TO fieldmap_writer, fieldmap_reader, fieldmap_auditor;

COMMIT;
