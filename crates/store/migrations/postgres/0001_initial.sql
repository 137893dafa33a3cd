-- The first schema of the service, PostgreSQL dialect: the same tables and meanings as
-- migrations/sqlite/0001_initial.sql. Times are Unix milliseconds (UTC) in BIGINT; ids are opaque
-- text. Every integer is BIGINT so that one Rust type (i64) reads every backend.

CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    key_hash    TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);

CREATE TABLE oauth_clients (
    client_id    TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    secret_hash  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);

CREATE TABLE documents (
    id                TEXT PRIMARY KEY,
    tenant_id         TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    filename          TEXT NOT NULL,
    sha256            TEXT NOT NULL,
    size_bytes        BIGINT NOT NULL,
    format            TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('PENDING', 'PROCESSING', 'ANALYZED', 'FLAGGED', 'FAILED')),
    failure_code      TEXT,
    failure_message   TEXT,
    options           TEXT NOT NULL,
    secret_password   TEXT,
    attempts          BIGINT NOT NULL DEFAULT 0,
    lease_owner       TEXT,
    lease_expires_at  BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    started_at        BIGINT,
    finished_at       BIGINT
);

CREATE INDEX documents_by_tenant ON documents (tenant_id, created_at, id);
CREATE INDEX documents_by_blob ON documents (tenant_id, sha256);
CREATE INDEX documents_claimable ON documents (status, created_at);

CREATE TABLE analyses (
    document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    tenant_id    TEXT NOT NULL,
    profile      TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (document_id, profile)
);
