-- The activity feed: what people and agents did, per project.

CREATE TABLE activity (
    id          TEXT PRIMARY KEY NOT NULL,
    project_id  TEXT REFERENCES projects (id) ON DELETE SET NULL,
    actor       TEXT NOT NULL CHECK (actor = 'user' OR actor = 'system' OR actor LIKE 'agent:%'),
    action      TEXT NOT NULL CHECK (length(action) > 0),
    summary     TEXT NOT NULL DEFAULT '',
    occurred_at TEXT NOT NULL,
    meta        TEXT NOT NULL DEFAULT '{}',
    extra       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX activity_project ON activity (project_id, occurred_at DESC);
CREATE INDEX activity_time ON activity (occurred_at DESC);

-- Records a legacy import could not take, kept whole with the reason, so nothing is lost.
CREATE TABLE import_rejects (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    file        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    record_id   TEXT,
    reason      TEXT NOT NULL,
    record      TEXT NOT NULL,
    -- A hash of `record`, so importing the same folder again records nothing twice.
    record_hash TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (file, record_hash)
);
