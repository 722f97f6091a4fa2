-- Workflow definitions, their executions, each execution's stages, and the execution event log.

CREATE TABLE workflows (
    id          TEXT PRIMARY KEY NOT NULL,
    project_id  TEXT REFERENCES projects (id) ON DELETE SET NULL,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    description TEXT,
    trigger     TEXT NOT NULL DEFAULT 'manual' CHECK (trigger IN ('manual', 'schedule', 'webhook')),
    schedule    TEXT,
    -- The ordered stages: [{"id","name","agent","action","params"}, ...]
    stages      TEXT NOT NULL DEFAULT '[]',
    extra       TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL,
    updated_at  TEXT
);
CREATE INDEX workflows_project ON workflows (project_id, name);

CREATE TABLE executions (
    id           TEXT PRIMARY KEY NOT NULL,
    -- NULL when the workflow no longer exists (the recorded id stays in `extra`).
    workflow_id  TEXT REFERENCES workflows (id) ON DELETE SET NULL,
    project_id   TEXT REFERENCES projects (id) ON DELETE SET NULL,
    status       TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
    input        TEXT NOT NULL DEFAULT '{}',
    result       TEXT,
    error        TEXT,
    extra        TEXT NOT NULL DEFAULT '{}',
    created_at   TEXT NOT NULL,
    started_at   TEXT,
    completed_at TEXT
);
CREATE INDEX executions_status ON executions (status, created_at);
CREATE INDEX executions_workflow ON executions (workflow_id, created_at);
CREATE INDEX executions_project ON executions (project_id, created_at);

CREATE TABLE execution_stages (
    execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL CHECK (position >= 0),
    stage_id     TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'running', 'completed', 'failed', 'skipped', 'cancelled')),
    attempt      INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    started_at   TEXT,
    completed_at TEXT,
    output       TEXT,
    error        TEXT,
    extra        TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (execution_id, position)
) WITHOUT ROWID;

-- `seq` orders events for replay (SSE Last-Event-ID); `id` is the event's stable name.
CREATE TABLE events (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    execution_id TEXT REFERENCES executions (id) ON DELETE CASCADE,
    type         TEXT NOT NULL CHECK (length(type) > 0),
    occurred_at  TEXT NOT NULL,
    data         TEXT NOT NULL DEFAULT '{}',
    extra        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_execution ON events (execution_id, seq);
