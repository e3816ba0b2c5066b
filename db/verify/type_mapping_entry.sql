-- Verify fieldmap:type_mapping_entry on pg
BEGIN;
SELECT (NULL::fieldmap.mapping_entry).entity, (NULL::fieldmap.mapping_entry).canonical_field,
       (NULL::fieldmap.mapping_entry).problem, (NULL::fieldmap.mapping_entry).action;
ROLLBACK;
