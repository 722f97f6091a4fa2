-- A/B experiments: each experiment, its variants (platform objects), their daily results as the
-- platform reported them, and the history of its decisions (each evaluation that changed what
-- the rule says).

CREATE TABLE experiments (
    n               INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    project_id      TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name            TEXT NOT NULL CHECK (length(name) > 0),
    hypothesis      TEXT NOT NULL DEFAULT '',
    platform        TEXT NOT NULL CHECK (platform IN ('google', 'meta', 'pinterest')),
    level           TEXT NOT NULL CHECK (level IN ('campaigns', 'ad_groups', 'ads')),
    metric          TEXT NOT NULL CHECK (metric IN ('cvr', 'ctr', 'cpa', 'rpc')),
    guardrails      TEXT NOT NULL DEFAULT '[]',
    alpha           REAL NOT NULL CHECK (alpha > 0 AND alpha < 0.5),
    mode            TEXT NOT NULL CHECK (mode IN ('sequential', 'fixed')),
    planned_per_arm INTEGER CHECK (planned_per_arm IS NULL OR planned_per_arm > 0),
    auto_apply      INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'running', 'stopped', 'decided', 'applied')),
    started_on      TEXT,
    ended_on        TEXT,
    winner          TEXT,
    applied_by      TEXT,
    evaluation      TEXT,
    evaluated_at    TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX experiments_project ON experiments (project_id, status, updated_at);
CREATE INDEX experiments_status ON experiments (status, updated_at);

CREATE TABLE experiment_variants (
    experiment_n INTEGER NOT NULL REFERENCES experiments (n) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    key          TEXT NOT NULL,
    name         TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    weight       REAL NOT NULL CHECK (weight > 0),
    control      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (experiment_n, key)
);

CREATE TABLE experiment_results (
    experiment_n   INTEGER NOT NULL REFERENCES experiments (n) ON DELETE CASCADE,
    variant        TEXT NOT NULL,
    date           TEXT NOT NULL,
    impressions    INTEGER NOT NULL CHECK (impressions >= 0),
    clicks         INTEGER NOT NULL CHECK (clicks >= 0),
    conversions    REAL NOT NULL CHECK (conversions >= 0),
    spend_micros   INTEGER NOT NULL CHECK (spend_micros >= 0),
    revenue_micros INTEGER NOT NULL CHECK (revenue_micros >= 0),
    PRIMARY KEY (experiment_n, variant, date)
);

CREATE TABLE experiment_decisions (
    n            INTEGER PRIMARY KEY,
    experiment_n INTEGER NOT NULL REFERENCES experiments (n) ON DELETE CASCADE,
    at           TEXT NOT NULL,
    state        TEXT NOT NULL,
    winner       TEXT,
    message      TEXT NOT NULL,
    through      TEXT
);
CREATE INDEX experiment_decisions_of ON experiment_decisions (experiment_n, n);
