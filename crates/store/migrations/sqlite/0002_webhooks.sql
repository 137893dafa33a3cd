-- Webhooks (issue 7, item 6) and live progress (item 7).

-- The last of the 12 processing steps (spec 003) a worker reported, so a client that subscribes
-- late, or to another process, still learns how far the job got.
ALTER TABLE documents ADD COLUMN progress_step INTEGER;

-- A tenant's endpoint. The secret is a signing key (`whsec_<base64>`): it must be readable to
-- sign, so it is stored as is, unlike API keys, which are only ever compared.
CREATE TABLE webhook_subscriptions (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    url         TEXT NOT NULL,
    -- JSON array of event types, e.g. ["document.analyzed","document.failed"].
    events      TEXT NOT NULL,
    secret      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX webhook_subscriptions_by_tenant ON webhook_subscriptions (tenant_id, created_at);

-- One message to one subscription; its id is the `webhook-id` header, the same on every attempt,
-- so receivers can deduplicate. `status`: pending (waiting for next_attempt_at), delivered, or
-- failed (retries exhausted; a redelivery makes it pending again). A sender claims a pending
-- message by pushing next_attempt_at forward, so a sender that dies only delays it.
CREATE TABLE webhook_deliveries (
    id                  TEXT PRIMARY KEY,
    tenant_id           TEXT NOT NULL,
    subscription_id     TEXT NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
    event_type          TEXT NOT NULL,
    payload             TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    -- Failed attempts since the message was (re)queued: the position in the retry schedule.
    retry_index         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     INTEGER,
    last_response_code  INTEGER,
    last_error          TEXT,
    created_at          INTEGER NOT NULL,
    delivered_at        INTEGER
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (tenant_id, subscription_id, created_at);

-- Every attempt, for the delivery log.
CREATE TABLE webhook_attempts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id    TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    tenant_id      TEXT NOT NULL,
    attempted_at   INTEGER NOT NULL,
    response_code  INTEGER,
    error          TEXT,
    duration_ms    INTEGER NOT NULL
);

CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, id);
