-- The executor: workflows remember their template; a write tool called by a workflow stage is
-- recorded under its idempotency key (execution, stage, what it changes), so a resumed stage gets
-- the first answer back instead of changing the platform twice.
ALTER TABLE workflows ADD COLUMN template_id TEXT;

CREATE TABLE tool_call_results (
    idempotency_key TEXT PRIMARY KEY NOT NULL,
    connection_id   TEXT REFERENCES connections (id) ON DELETE CASCADE,
    tool            TEXT NOT NULL,
    result          TEXT NOT NULL CHECK (json_valid(result)),
    created_at      TEXT NOT NULL
);

CREATE INDEX events_type ON events (type, seq);
