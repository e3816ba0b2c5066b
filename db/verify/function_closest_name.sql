-- Verify fieldmap:function_closest_name on pg
BEGIN;
DO $$
BEGIN
  ASSERT fieldmap.closest_name('emial', ARRAY['email', 'phone']) = 'email', 'closest_name misses a swap of two letters';
  ASSERT fieldmap.closest_name('epr', ARRAY['crm', 'erp']) = 'erp', 'closest_name misses a swap in a short name';
  ASSERT fieldmap.closest_name('zzz', ARRAY['email', 'phone']) IS NULL, 'closest_name suggests what is not close';
END
$$;
ROLLBACK;
