-- no-transaction
-- Approval before money moves: a workflow's approval policy, runs and stages that wait for a
-- decision (`awaiting_approval`), dry runs, and the proposals themselves. SQLite cannot change a
-- CHECK constraint in place, so `executions` and `execution_stages` are rebuilt (the documented
-- twelve-step way: foreign keys off, copy, swap, check), in one transaction.
PRAGMA foreign_keys = OFF;

BEGIN;

ALTER TABLE workflows ADD COLUMN approval TEXT CHECK (approval IS NULL OR json_valid(approval));

CREATE TABLE executions_new (
    id           TEXT PRIMARY KEY NOT NULL,
    workflow_id  TEXT REFERENCES workflows (id) ON DELETE SET NULL,
    project_id   TEXT REFERENCES projects (id) ON DELETE SET NULL,
    status       TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'running', 'awaiting_approval', 'completed', 'failed', 'cancelled')),
    input        TEXT NOT NULL DEFAULT '{}',
    result       TEXT,
    error        TEXT,
    extra        TEXT NOT NULL DEFAULT '{}',
    created_at   TEXT NOT NULL,
    started_at   TEXT,
    completed_at TEXT,
    -- A dry run works out every change and applies none.
    dry_run      INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1))
);
INSERT INTO executions_new (id, workflow_id, project_id, status, input, result, error, extra, created_at, started_at, completed_at)
    SELECT id, workflow_id, project_id, status, input, result, error, extra, created_at, started_at, completed_at FROM executions;
DROP TABLE executions;
ALTER TABLE executions_new RENAME TO executions;
CREATE INDEX executions_status ON executions (status, created_at);
CREATE INDEX executions_workflow ON executions (workflow_id, created_at);
CREATE INDEX executions_project ON executions (project_id, created_at);

CREATE TABLE execution_stages_new (
    execution_id TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL CHECK (position >= 0),
    stage_id     TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'running', 'awaiting_approval', 'completed', 'failed', 'skipped', 'cancelled')),
    attempt      INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    started_at   TEXT,
    completed_at TEXT,
    output       TEXT,
    error        TEXT,
    extra        TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (execution_id, position)
) WITHOUT ROWID;
INSERT INTO execution_stages_new SELECT * FROM execution_stages;
DROP TABLE execution_stages;
ALTER TABLE execution_stages_new RENAME TO execution_stages;

-- One per stage that proposed changes: the changes (with each one's decision) as JSON.
CREATE TABLE proposals (
    id             TEXT PRIMARY KEY NOT NULL,
    execution_id   TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    stage_position INTEGER NOT NULL CHECK (stage_position >= 0),
    project_id     TEXT REFERENCES projects (id) ON DELETE SET NULL,
    workflow_name  TEXT,
    stage_id       TEXT NOT NULL,
    stage_name     TEXT NOT NULL,
    agent          TEXT NOT NULL,
    action         TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'decided', 'expired', 'withdrawn')),
    changes        TEXT NOT NULL CHECK (json_valid(changes)),
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    decided_at     TEXT,
    decided_by     TEXT,
    note           TEXT,
    UNIQUE (execution_id, stage_position)
);
CREATE INDEX proposals_status ON proposals (status, expires_at);
CREATE INDEX proposals_project ON proposals (project_id, created_at);

COMMIT;

PRAGMA foreign_keys = ON;
