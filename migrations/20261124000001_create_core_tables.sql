-- Core tables of the base platform: projects, their campaigns, workflow definitions and executions.
-- Timestamps are ISO-8601 UTC text, money is integer micros, enums are checked text.
-- Campaign `status` is Switchboard's normalized status; `platform_status` is the platform's own word
-- (ENABLED, ACTIVE, ...). `extra` keeps fields Switchboard does not model (legacy imports lose nothing).

CREATE TABLE projects (
    id                    TEXT PRIMARY KEY NOT NULL,
    name                  TEXT NOT NULL CHECK (length(trim(name)) > 0),
    client                TEXT,
    vertical              TEXT,
    description           TEXT,
    status                TEXT NOT NULL DEFAULT 'active'
                              CHECK (status IN ('active', 'paused', 'archived')),
    monthly_budget_micros INTEGER CHECK (monthly_budget_micros IS NULL OR monthly_budget_micros >= 0),
    currency              TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3),
    platforms             TEXT NOT NULL DEFAULT '[]',
    extra                 TEXT NOT NULL DEFAULT '{}',
    created_at            TEXT NOT NULL,
    updated_at            TEXT
);
CREATE INDEX projects_status_name ON projects (status, name);

CREATE TABLE campaigns (
    id                  TEXT PRIMARY KEY NOT NULL,
    project_id          TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    platform            TEXT NOT NULL CHECK (platform IN ('google', 'meta', 'pinterest')),
    external_id         TEXT NOT NULL CHECK (length(external_id) > 0),
    name                TEXT NOT NULL,
    objective           TEXT,
    status              TEXT NOT NULL CHECK (status IN ('active', 'paused', 'removed')),
    platform_status     TEXT NOT NULL,
    daily_budget_micros INTEGER CHECK (daily_budget_micros IS NULL OR daily_budget_micros >= 0),
    currency            TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3),
    time_zone           TEXT,
    start_date          TEXT,
    end_date            TEXT,
    extra               TEXT NOT NULL DEFAULT '{}',
    created_at          TEXT NOT NULL,
    updated_at          TEXT,
    UNIQUE (project_id, platform, external_id)
);
CREATE INDEX campaigns_project ON campaigns (project_id, platform, status);
CREATE INDEX campaigns_platform_status ON campaigns (platform, status);

CREATE TABLE workflows (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    description TEXT,
    trigger     TEXT NOT NULL DEFAULT 'manual' CHECK (trigger IN ('manual', 'schedule', 'webhook')),
    definition  TEXT NOT NULL DEFAULT '{"stages":[]}',
    extra       TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL,
    updated_at  TEXT
);

CREATE TABLE executions (
    id           TEXT PRIMARY KEY NOT NULL,
    workflow_id  TEXT NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    project_id   TEXT REFERENCES projects (id) ON DELETE SET NULL,
    status       TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
    input        TEXT NOT NULL DEFAULT '{}',
    result       TEXT,
    extra        TEXT NOT NULL DEFAULT '{}',
    created_at   TEXT NOT NULL,
    started_at   TEXT,
    completed_at TEXT
);
CREATE INDEX executions_status ON executions (status, created_at);
CREATE INDEX executions_workflow ON executions (workflow_id, created_at);
CREATE INDEX executions_project ON executions (project_id, created_at);
