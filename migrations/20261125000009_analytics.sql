-- Analytics: exchange rates, report settings, and change tracking for the in-memory fact store.
--
-- The server keeps campaigns and their daily metrics in memory for reports. Triggers note here
-- which campaigns changed (and '~meta' when projects, rates or settings did), stamped with the
-- current revision; the server loads what changed since its last look, bumping the revision as it
-- does so. Any writer (the server, the CLI importer, a sync) is seen, with nothing for it to do.

CREATE TABLE exchange_rates (
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    effective_from TEXT NOT NULL,
    -- Units of `currency` per one US dollar.
    per_usd        REAL NOT NULL CHECK (per_usd > 0),
    PRIMARY KEY (currency, effective_from)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE analytics_revision (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO analytics_revision (id, seq) VALUES (1, 1);

-- No foreign key: a deleted campaign must still be noted.
CREATE TABLE analytics_changes (
    campaign_id TEXT PRIMARY KEY NOT NULL,
    seq         INTEGER NOT NULL
);
CREATE INDEX analytics_changes_seq ON analytics_changes (seq);

CREATE TRIGGER campaign_daily_metrics_noted_insert AFTER INSERT ON campaign_daily_metrics BEGIN
    INSERT INTO analytics_changes (campaign_id, seq)
        VALUES (NEW.campaign_id, (SELECT seq FROM analytics_revision WHERE id = 1))
        ON CONFLICT (campaign_id) DO UPDATE SET seq = excluded.seq WHERE seq <> excluded.seq;
END;
CREATE TRIGGER campaign_daily_metrics_noted_update AFTER UPDATE ON campaign_daily_metrics BEGIN
    INSERT INTO analytics_changes (campaign_id, seq)
        VALUES (NEW.campaign_id, (SELECT seq FROM analytics_revision WHERE id = 1))
        ON CONFLICT (campaign_id) DO UPDATE SET seq = excluded.seq WHERE seq <> excluded.seq;
END;
CREATE TRIGGER campaign_daily_metrics_noted_delete AFTER DELETE ON campaign_daily_metrics BEGIN
    INSERT INTO analytics_changes (campaign_id, seq)
        VALUES (OLD.campaign_id, (SELECT seq FROM analytics_revision WHERE id = 1))
        ON CONFLICT (campaign_id) DO UPDATE SET seq = excluded.seq WHERE seq <> excluded.seq;
END;
CREATE TRIGGER campaigns_noted_insert AFTER INSERT ON campaigns BEGIN
    INSERT INTO analytics_changes (campaign_id, seq)
        VALUES (NEW.id, (SELECT seq FROM analytics_revision WHERE id = 1))
        ON CONFLICT (campaign_id) DO UPDATE SET seq = excluded.seq WHERE seq <> excluded.seq;
END;
CREATE TRIGGER campaigns_noted_update AFTER UPDATE ON campaigns BEGIN
    INSERT INTO analytics_changes (campaign_id, seq)
        VALUES (NEW.id, (SELECT seq FROM analytics_revision WHERE id = 1))
        ON CONFLICT (campaign_id) DO UPDATE SET seq = excluded.seq WHERE seq <> excluded.seq;
    INSERT INTO analytics_changes (campaign_id, seq)
        VALUES (OLD.id, (SELECT seq FROM analytics_revision WHERE id = 1))
        ON CONFLICT (campaign_id) DO UPDATE SET seq = excluded.seq WHERE seq <> excluded.seq;
END;
CREATE TRIGGER campaigns_noted_delete AFTER DELETE ON campaigns BEGIN
    INSERT INTO analytics_changes (campaign_id, seq)
        VALUES (OLD.id, (SELECT seq FROM analytics_revision WHERE id = 1))
        ON CONFLICT (campaign_id) DO UPDATE SET seq = excluded.seq WHERE seq <> excluded.seq;
END;

CREATE TRIGGER projects_noted_insert AFTER INSERT ON projects BEGIN
    INSERT INTO analytics_changes (campaign_id, seq)
        VALUES ('~meta', (SELECT seq FROM analytics_revision WHERE id = 1))
        ON CONFLICT (campaign_id) DO UPDATE SET seq = excluded.seq WHERE seq <> excluded.seq;
END;
CREATE TRIGGER projects_noted_update AFTER UPDATE ON projects BEGIN
    INSERT INTO analytics_changes (campaign_id, seq)
        VALUES ('~meta', (SELECT seq FROM analytics_revision WHERE id = 1))
        ON CONFLICT (campaign_id) DO UPDATE SET seq = excluded.seq WHERE seq <> excluded.seq;
END;
CREATE TRIGGER projects_noted_delete AFTER DELETE ON projects BEGIN
    INSERT INTO analytics_changes (campaign_id, seq)
        VALUES ('~meta', (SELECT seq FROM analytics_revision WHERE id = 1))
        ON CONFLICT (campaign_id) DO UPDATE SET seq = excluded.seq WHERE seq <> excluded.seq;
END;
CREATE TRIGGER exchange_rates_noted_insert AFTER INSERT ON exchange_rates BEGIN
    INSERT INTO analytics_changes (campaign_id, seq)
        VALUES ('~meta', (SELECT seq FROM analytics_revision WHERE id = 1))
        ON CONFLICT (campaign_id) DO UPDATE SET seq = excluded.seq WHERE seq <> excluded.seq;
END;
CREATE TRIGGER exchange_rates_noted_update AFTER UPDATE ON exchange_rates BEGIN
    INSERT INTO analytics_changes (campaign_id, seq)
        VALUES ('~meta', (SELECT seq FROM analytics_revision WHERE id = 1))
        ON CONFLICT (campaign_id) DO UPDATE SET seq = excluded.seq WHERE seq <> excluded.seq;
END;
CREATE TRIGGER exchange_rates_noted_delete AFTER DELETE ON exchange_rates BEGIN
    INSERT INTO analytics_changes (campaign_id, seq)
        VALUES ('~meta', (SELECT seq FROM analytics_revision WHERE id = 1))
        ON CONFLICT (campaign_id) DO UPDATE SET seq = excluded.seq WHERE seq <> excluded.seq;
END;
CREATE TRIGGER settings_noted_insert AFTER INSERT ON settings BEGIN
    INSERT INTO analytics_changes (campaign_id, seq)
        VALUES ('~meta', (SELECT seq FROM analytics_revision WHERE id = 1))
        ON CONFLICT (campaign_id) DO UPDATE SET seq = excluded.seq WHERE seq <> excluded.seq;
END;
CREATE TRIGGER settings_noted_update AFTER UPDATE ON settings BEGIN
    INSERT INTO analytics_changes (campaign_id, seq)
        VALUES ('~meta', (SELECT seq FROM analytics_revision WHERE id = 1))
        ON CONFLICT (campaign_id) DO UPDATE SET seq = excluded.seq WHERE seq <> excluded.seq;
END;

-- The built-in rates (units per US dollar, approximate mid-market, November 2025); edit them in
-- the app or with PUT /api/v1/analytics/exchange-rates.
INSERT INTO exchange_rates (currency, effective_from, per_usd) VALUES
    ('USD', '2000-01-01', 1.0), ('EUR', '2000-01-01', 0.865), ('GBP', '2000-01-01', 0.762),
    ('CHF', '2000-01-01', 0.805), ('CAD', '2000-01-01', 1.405), ('AUD', '2000-01-01', 1.540),
    ('NZD', '2000-01-01', 1.770), ('JPY', '2000-01-01', 155.0), ('CNY', '2000-01-01', 7.11),
    ('HKD', '2000-01-01', 7.78), ('SGD', '2000-01-01', 1.305), ('KRW', '2000-01-01', 1465.0),
    ('TWD', '2000-01-01', 31.2), ('INR', '2000-01-01', 88.6), ('IDR', '2000-01-01', 16680.0),
    ('THB', '2000-01-01', 32.6), ('PHP', '2000-01-01', 58.9), ('VND', '2000-01-01', 26350.0),
    ('SEK', '2000-01-01', 9.52), ('NOK', '2000-01-01', 10.18), ('DKK', '2000-01-01', 6.46),
    ('PLN', '2000-01-01', 3.67), ('CZK', '2000-01-01', 20.95), ('HUF', '2000-01-01', 333.0),
    ('TRY', '2000-01-01', 42.3), ('ILS', '2000-01-01', 3.27), ('AED', '2000-01-01', 3.6725),
    ('SAR', '2000-01-01', 3.75), ('ZAR', '2000-01-01', 17.35), ('BRL', '2000-01-01', 5.33),
    ('MXN', '2000-01-01', 18.45), ('CLP', '2000-01-01', 935.0);
