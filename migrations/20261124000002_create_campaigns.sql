-- Campaigns on the ad platforms, and their daily performance normalized into one metric model.
-- `status` is Switchboard's normalized status; `platform_status` is the platform's own word
-- (ENABLED, ACTIVE, ARCHIVED, ...).

CREATE TABLE campaigns (
    id                  TEXT PRIMARY KEY NOT NULL,
    project_id          TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    connection_id       TEXT REFERENCES connections (id) ON DELETE SET NULL,
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
    UNIQUE (platform, external_id, project_id),
    CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE INDEX campaigns_project ON campaigns (project_id, platform, status);
CREATE INDEX campaigns_platform_status ON campaigns (platform, status);
CREATE INDEX campaigns_name ON campaigns (name);

-- One row per campaign and day (the ad account's local date). `raw` is the platform's own record,
-- kept as it came. A rowid table: rows are a few hundred bytes, too large to sit well in the key's
-- b-tree.
CREATE TABLE campaign_daily_metrics (
    campaign_id             TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    date                    TEXT NOT NULL,
    platform                TEXT NOT NULL CHECK (platform IN ('google', 'meta', 'pinterest')),
    currency                TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3),
    spend_micros            INTEGER NOT NULL DEFAULT 0 CHECK (spend_micros >= 0),
    impressions             INTEGER NOT NULL DEFAULT 0 CHECK (impressions >= 0),
    clicks                  INTEGER NOT NULL DEFAULT 0 CHECK (clicks >= 0),
    conversions             REAL NOT NULL DEFAULT 0 CHECK (conversions >= 0),
    conversion_value_micros INTEGER NOT NULL DEFAULT 0 CHECK (conversion_value_micros >= 0),
    raw                     TEXT NOT NULL DEFAULT '{}',
    extra                   TEXT NOT NULL DEFAULT '{}',
    UNIQUE (campaign_id, date)
);
CREATE INDEX campaign_daily_metrics_date ON campaign_daily_metrics (date, platform);
