-- Verify fieldmap:domain_handle on pg
BEGIN;
DO $$
BEGIN
  ASSERT fieldmap.is_handle('acme-eu_2') AND NOT fieldmap.is_handle('Acme') AND NOT fieldmap.is_handle(repeat('a', 64))
         AND NOT fieldmap.is_handle(NULL), 'is_handle does not state the handle rule';
  ASSERT 'acme'::fieldmap.handle = 'acme', 'the domain refuses a good handle';
  BEGIN
    PERFORM 'Bad Slug'::fieldmap.handle;
    RAISE EXCEPTION 'the domain fieldmap.handle accepts a bad handle';
  EXCEPTION WHEN check_violation THEN
    NULL;
  END;
END
$$;
ROLLBACK;
