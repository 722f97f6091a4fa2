-- Performance sync: a record of every run and where each connection stands. The schedule is the
-- `sync_schedule` setting (a cron expression or 'off'); `sync_scheduled_at` holds the last
-- scheduled fire, so a restart neither repeats nor forgets a run.

CREATE TABLE sync_runs (
    id                  INTEGER PRIMARY KEY,
    trigger             TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual')),
    state               TEXT NOT NULL CHECK (state IN ('running', 'succeeded', 'partial', 'failed')),
    started_at          TEXT NOT NULL,
    finished_at         TEXT,
    connections_total   INTEGER NOT NULL DEFAULT 0,
    connections_done    INTEGER NOT NULL DEFAULT 0,
    campaigns_written   INTEGER NOT NULL DEFAULT 0,
    rows_written        INTEGER NOT NULL DEFAULT 0,
    -- A JSON array of one-line problems.
    problems            TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX sync_runs_state ON sync_runs (state);

CREATE TABLE sync_connections (
    connection_id   TEXT PRIMARY KEY NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    synced_through  TEXT,
    last_attempt_at TEXT,
    last_success_at TEXT,
    last_error      TEXT
);
