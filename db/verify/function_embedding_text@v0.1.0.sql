-- Verify fieldmap:function_embedding_text on pg
BEGIN;
DO $$
BEGIN
  ASSERT fieldmap.embedding_text('Deals', 'Closing_Date') = 'closing date', 'embedding_text does not split a field';
  ASSERT fieldmap.embedding_text('Opportunities', 'OPPORTUNITY_NAME') = 'name',
         'embedding_text does not drop the table''s words';
  ASSERT fieldmap.embedding_text('Organisations', 'ORGANISATION_ID') = 'id', 'embedding_text does not find an own id';
  ASSERT fieldmap.embedding_text('Cases', 'CaseNumber') = 'number', 'embedding_text does not drop a plural table''s word';
  ASSERT fieldmap.embedding_text('Notes', 'Note') = 'note', 'embedding_text empties a field that is its table''s name';
END
$$;
ROLLBACK;
