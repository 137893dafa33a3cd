-- Issue 7, item 2: the lender's records around documents, and what the service needs to run them
-- safely (integer keys, duplicate detection, idempotency, audit, permissions).

-- Per-tenant sequences: integer keys (Periculum's statement keys, case and run numbers) that do
-- not reveal other tenants' volumes. Incremented with an upsert, which both backends serialise.
CREATE TABLE counters (
    tenant_id  TEXT NOT NULL,
    name       TEXT NOT NULL,
    value      INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

-- An applicant: a person or a business, with the identifiers lenders file them under.
CREATE TABLE cases (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    number         INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('person', 'business')),
    name           TEXT,
    country        TEXT,
    -- JSON object of identifier scheme to value: {"siren": "…", "bvn": "…", "custom:crm": "…"}.
    identifiers    TEXT NOT NULL,
    business_type  TEXT,
    sector         TEXT,
    revenue_band   TEXT,
    -- The e-mail of the tenant's user who follows the case (Sopra's "creator").
    assignee       TEXT,
    reference      TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

CREATE UNIQUE INDEX cases_number ON cases (tenant_id, number);
CREATE INDEX cases_by_tenant ON cases (tenant_id, created_at, id);

-- case_id has no foreign key: deleting a case deletes its documents in code, which must also
-- remove their stored files.
ALTER TABLE documents ADD COLUMN number INTEGER;
ALTER TABLE documents ADD COLUMN case_id TEXT;
-- JSON object the client attached (kind, period, statement date…).
ALTER TABLE documents ADD COLUMN metadata TEXT;
-- The earlier document of the tenant this one repeats (same file, or the same ledger).
ALTER TABLE documents ADD COLUMN duplicate_of TEXT;

UPDATE documents SET number = (
    SELECT COUNT(*) FROM documents d
    WHERE d.tenant_id = documents.tenant_id
      AND (d.created_at < documents.created_at OR (d.created_at = documents.created_at AND d.id <= documents.id)));
INSERT INTO counters (tenant_id, name, value)
    SELECT tenant_id, 'document', MAX(number) FROM documents GROUP BY tenant_id;

CREATE UNIQUE INDEX documents_number ON documents (tenant_id, number);
CREATE INDEX documents_by_case ON documents (tenant_id, case_id);

-- One row per transaction of an analysed document: a hash of (date, amount, balance), so a later
-- statement that repeats an earlier one's transactions is found by an index lookup.
CREATE TABLE document_fingerprints (
    tenant_id    TEXT NOT NULL,
    document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    fingerprint  TEXT NOT NULL,
    PRIMARY KEY (document_id, fingerprint)
);

CREATE INDEX document_fingerprints_lookup ON document_fingerprints (tenant_id, fingerprint);

CREATE TABLE preferences (
    tenant_id   TEXT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- A tenant's own categorisation rules (from re-categorisations), as JSON the enricher reads.
CREATE TABLE tenant_rules (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE INDEX tenant_rules_by_tenant ON tenant_rules (tenant_id, created_at, id);

-- Scores and affordability computed on request, kept as history.
CREATE TABLE runs (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    number       INTEGER NOT NULL,
    request      TEXT NOT NULL,
    result       TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);

CREATE INDEX runs_by_document ON runs (tenant_id, document_id, kind, created_at);
CREATE UNIQUE INDEX runs_number ON runs (tenant_id, kind, number);

-- `Idempotency-Key` of POSTs: the first request's response, replayed for a retry of the same
-- request; status_code is NULL while the first is still running.
CREATE TABLE idempotency_keys (
    tenant_id     TEXT NOT NULL,
    key           TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    status_code   INTEGER,
    response      TEXT,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, key)
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   TEXT NOT NULL,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT,
    detail      TEXT
);

CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, at, id);

-- Permissions of a credential: a JSON array of scopes ("*" = all). revoked_at in the future is a
-- key being rotated out: still valid until then.
ALTER TABLE api_keys ADD COLUMN permissions TEXT NOT NULL DEFAULT '["*"]';
ALTER TABLE api_keys ADD COLUMN label TEXT;
ALTER TABLE oauth_clients ADD COLUMN permissions TEXT NOT NULL DEFAULT '["*"]';
ALTER TABLE oauth_clients ADD COLUMN label TEXT;
