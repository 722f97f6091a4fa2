-- Outbound notifications: channels, the rules routing events to them, and the outbox.

-- A Discord or Slack channel's incoming-webhook address is a secret (whoever has it can post): it
-- is sealed with the server's key, bound to the channel's id. `target` is what the UI shows.
CREATE TABLE notification_channels (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    kind        TEXT NOT NULL CHECK (kind IN ('discord', 'slack', 'email')),
    target      TEXT NOT NULL,
    url_key_id  TEXT,
    url_nonce   BLOB,
    url_sealed  BLOB,
    -- Email: a JSON list of addresses.
    recipients  TEXT,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT,
    CHECK ((kind = 'email') = (recipients IS NOT NULL)),
    CHECK ((kind = 'email') = (url_sealed IS NULL))
);

CREATE TABLE notification_rules (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    project_id  TEXT REFERENCES projects (id) ON DELETE CASCADE,
    -- A JSON list of event names.
    events      TEXT NOT NULL,
    channel_id  TEXT NOT NULL REFERENCES notification_channels (id) ON DELETE CASCADE,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT
);
CREATE INDEX notification_rules_channel ON notification_rules (channel_id);

-- Every notification to every channel, delivered at least once: a row is written before the first
-- attempt and kept with its attempts, its last answer and its state.
CREATE TABLE notification_outbox (
    id              TEXT PRIMARY KEY NOT NULL,
    channel_id      TEXT NOT NULL REFERENCES notification_channels (id) ON DELETE CASCADE,
    rule_id         TEXT REFERENCES notification_rules (id) ON DELETE SET NULL,
    event           TEXT NOT NULL,
    subject         TEXT,
    notice          TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_status     INTEGER,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    delivered_at    TEXT
);
CREATE INDEX notification_outbox_due ON notification_outbox (state, next_attempt_at);
CREATE INDEX notification_outbox_recent ON notification_outbox (created_at);
-- One notification per rule and event subject, however often the event is read again.
CREATE UNIQUE INDEX notification_outbox_once ON notification_outbox (rule_id, event, subject)
    WHERE rule_id IS NOT NULL AND subject IS NOT NULL;

-- How far the notifier has read the event log (the last event's `seq` it has routed).
CREATE TABLE notifier_cursor (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
