-- Projects (a client's account with us) and their ad-platform connections.
-- Conventions for every table: ids are prefixed text (`proj_…`), timestamps are ISO-8601 UTC text with
-- milliseconds (`2026-06-01T09:00:00.000Z`), money is integer micros of the named currency, enums are
-- checked text, JSON is text. `extra` keeps fields Switchboard does not model (imports lose nothing).

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

CREATE TABLE connections (
    id          TEXT PRIMARY KEY NOT NULL,
    project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    platform    TEXT NOT NULL CHECK (platform IN ('google', 'meta', 'pinterest')),
    account_id  TEXT NOT NULL CHECK (length(account_id) > 0),
    name        TEXT,
    mode        TEXT NOT NULL DEFAULT 'test' CHECK (mode IN ('test', 'live')),
    status      TEXT NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'needs_reauth', 'error', 'disconnected')),
    currency    TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3),
    time_zone   TEXT NOT NULL DEFAULT 'UTC',
    extra       TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL,
    updated_at  TEXT,
    UNIQUE (project_id, platform, account_id)
);
CREATE INDEX connections_platform ON connections (platform, status);
