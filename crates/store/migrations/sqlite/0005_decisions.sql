-- Issue 9: the statement list shows and filters each document's decision (score, tier, risk)
-- without reading every analysis. Written with the analyses when a job finishes; documents
-- analysed before this migration have none until they are analysed again.
ALTER TABLE documents ADD COLUMN decision_score INTEGER;
ALTER TABLE documents ADD COLUMN decision_tier TEXT;
ALTER TABLE documents ADD COLUMN decision_risk TEXT;
CREATE INDEX documents_tier ON documents (tenant_id, decision_tier, created_at);
