-- The integration hub: API keys and inbound webhooks with their delivery log.

-- Keys are stored as SHA-256 hashes of the whole key; `shown` keeps its first characters.
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL CHECK (length(trim(name)) > 0),
    key_hash     BLOB NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    shown        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);

-- A webhook starts `workflow_id` (for `project_id`, or the workflow's own project). Its signing
-- secret is sealed with the server's key (AES-256-GCM, bound to the webhook's id).
CREATE TABLE webhooks (
    id               TEXT PRIMARY KEY NOT NULL,
    name             TEXT NOT NULL CHECK (length(trim(name)) > 0),
    workflow_id      TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    project_id       TEXT REFERENCES projects (id) ON DELETE CASCADE,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    secret_key_id    TEXT NOT NULL,
    secret_nonce     BLOB NOT NULL,
    secret_sealed    BLOB NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT,
    last_delivery_at TEXT
);
CREATE INDEX webhooks_workflow ON webhooks (workflow_id);

-- Every request on a webhook. An accepted delivery holds its sender's `webhook-id` (the
-- idempotency key): a second accepted delivery with the same id cannot be recorded.
CREATE TABLE webhook_deliveries (
    id           TEXT PRIMARY KEY NOT NULL,
    webhook_id   TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    message_id   TEXT,
    received_at  TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('accepted', 'replayed', 'refused', 'failed')),
    status       INTEGER NOT NULL,
    reason       TEXT,
    auth         TEXT CHECK (auth IS NULL OR auth IN ('signature', 'api_key')),
    execution_id TEXT,
    body_bytes   INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX webhook_deliveries_message ON webhook_deliveries (webhook_id, message_id)
    WHERE outcome = 'accepted' AND message_id IS NOT NULL;
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (webhook_id, received_at);
