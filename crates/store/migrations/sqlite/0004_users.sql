-- Issue 9: people of a tenant sign in to the dashboard with an e-mail and a password.
--
-- A user is a credential like an API key or an OAuth client: it has permissions, a label and a
-- revocation time, and the audit log names it. The e-mail is unique across the whole service
-- (sign-in does not ask for the tenant), stored lower-cased. Only a slow salted hash of the
-- password is kept (PBKDF2-HMAC-SHA256; the parameters travel in the hash string).
CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    email          TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    permissions    TEXT NOT NULL,
    label          TEXT,
    created_at     INTEGER NOT NULL,
    revoked_at     INTEGER
);
CREATE INDEX users_tenant ON users (tenant_id);

-- A signed-in browser: the SHA-256 of its opaque token, until it expires or signs out. A session
-- works only while its user is not revoked, so revoking the user ends every session at once.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    ended_at    INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);
