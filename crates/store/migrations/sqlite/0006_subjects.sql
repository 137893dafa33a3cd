-- The statement list shows whose statement each document is (holder, bank, masked account,
-- period) and finds it by the holder's name, without reading every analysis. Written with the
-- analyses when a job finishes; documents analysed before this migration show none until they
-- are analysed again.
--
-- `search_text` is what a listing's search matches: the file name, holder and bank, lowercased
-- by the server (Unicode-aware and the same on both databases, where SQLite's LOWER folds ASCII
-- only). Older rows get their file name, lowercased here.
ALTER TABLE documents ADD COLUMN holder TEXT;
ALTER TABLE documents ADD COLUMN bank TEXT;
ALTER TABLE documents ADD COLUMN account TEXT;
ALTER TABLE documents ADD COLUMN period_start TEXT;
ALTER TABLE documents ADD COLUMN period_end TEXT;
ALTER TABLE documents ADD COLUMN search_text TEXT;
UPDATE documents SET search_text = LOWER(filename);

-- Cases are searched the same way (name, reference, assignee, identifiers).
ALTER TABLE cases ADD COLUMN search_text TEXT;
UPDATE cases SET search_text = LOWER(COALESCE(name, '') || char(10) || COALESCE(reference, '')
    || char(10) || COALESCE(assignee, '') || char(10) || identifiers);
