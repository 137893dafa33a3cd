-- The first schema of the service. Times are Unix milliseconds (UTC); ids are opaque text.
-- Every tenant-owned row carries tenant_id, and every query filters on it.

CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

-- Only the SHA-256 of a key is kept: the key itself is shown once, at creation.
CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    key_hash    TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

CREATE TABLE oauth_clients (
    client_id    TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    secret_hash  TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);

-- A document is also its own job: status PENDING is claimable, PROCESSING is leased to one worker
-- until lease_expires_at, after which another worker may claim it again.
CREATE TABLE documents (
    id                TEXT PRIMARY KEY,
    tenant_id         TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    filename          TEXT NOT NULL,
    sha256            TEXT NOT NULL,
    size_bytes        INTEGER NOT NULL,
    format            TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('PENDING', 'PROCESSING', 'ANALYZED', 'FLAGGED', 'FAILED')),
    failure_code      TEXT,
    failure_message   TEXT,
    options           TEXT NOT NULL,
    -- The PDF password is needed by the job only, and is erased when the job ends.
    secret_password   TEXT,
    attempts          INTEGER NOT NULL DEFAULT 0,
    lease_owner       TEXT,
    lease_expires_at  INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    started_at        INTEGER,
    finished_at       INTEGER
);

CREATE INDEX documents_by_tenant ON documents (tenant_id, created_at, id);
CREATE INDEX documents_by_blob ON documents (tenant_id, sha256);
CREATE INDEX documents_claimable ON documents (status, created_at);

CREATE TABLE analyses (
    document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    tenant_id    TEXT NOT NULL,
    profile      TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (document_id, profile)
);
