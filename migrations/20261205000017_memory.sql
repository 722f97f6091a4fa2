-- The agents' memory: one row per learning (merged repeats included), its sightings, and a
-- full-text index of its words (FTS5, BM25 ranking, Porter stemming).

CREATE TABLE memories (
    n                 INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    merge_key         TEXT NOT NULL,
    agent             TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('outcome', 'insight', 'note')),
    project_id        TEXT REFERENCES projects (id) ON DELETE SET NULL,
    platform          TEXT,
    objective         TEXT,
    vertical          TEXT,
    audience          TEXT,
    budget_band       TEXT,
    month             INTEGER CHECK (month IS NULL OR month BETWEEN 1 AND 12),
    action            TEXT,
    subject           TEXT,
    summary           TEXT NOT NULL CHECK (length(summary) > 0),
    tags              TEXT NOT NULL DEFAULT '',
    metric            TEXT,
    outcome_status    TEXT,
    verdict           TEXT,
    outcome           TEXT,
    evidence          INTEGER NOT NULL DEFAULT 1 CHECK (evidence >= 1),
    confidence        REAL NOT NULL DEFAULT 0,
    confidence_reason TEXT NOT NULL DEFAULT '',
    source            TEXT NOT NULL,
    pinned            INTEGER NOT NULL DEFAULT 0,
    forgotten         INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    last_recalled_at  TEXT
);
CREATE INDEX memories_key ON memories (merge_key);
CREATE INDEX memories_updated ON memories (forgotten, updated_at);
CREATE INDEX memories_action ON memories (action, platform, objective, vertical);
CREATE INDEX memories_platform ON memories (platform, objective, vertical);
CREATE INDEX memories_project ON memories (project_id, updated_at);

-- Each sighting: a change a run made (its key makes it once-only), a repeat sent by a person or a
-- system. Pending ones wait for their days to pass (`due_on`) to be measured.
CREATE TABLE memory_observations (
    n              INTEGER PRIMARY KEY,
    memory_n       INTEGER NOT NULL REFERENCES memories (n) ON DELETE CASCADE,
    key            TEXT UNIQUE,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'measured', 'inconclusive')),
    before         REAL,
    after          REAL,
    change         REAL,
    control_change REAL,
    effect         REAL,
    days           INTEGER,
    spend_micros   INTEGER,
    note           TEXT,
    at             TEXT NOT NULL,
    due_on         TEXT,
    target         TEXT
);
CREATE INDEX memory_observations_memory ON memory_observations (memory_n, at);
CREATE INDEX memory_observations_due ON memory_observations (status, due_on) WHERE status = 'pending';

CREATE VIRTUAL TABLE memories_fts USING fts5 (
    summary, subject, tags,
    content = 'memories', content_rowid = 'n',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
    INSERT INTO memories_fts (rowid, summary, subject, tags) VALUES (NEW.n, NEW.summary, coalesce(NEW.subject, ''), NEW.tags);
END;
CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, summary, subject, tags) VALUES ('delete', OLD.n, OLD.summary, coalesce(OLD.subject, ''), OLD.tags);
END;
CREATE TRIGGER memories_fts_update AFTER UPDATE OF summary, subject, tags ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, summary, subject, tags) VALUES ('delete', OLD.n, OLD.summary, coalesce(OLD.subject, ''), OLD.tags);
    INSERT INTO memories_fts (rowid, summary, subject, tags) VALUES (NEW.n, NEW.summary, coalesce(NEW.subject, ''), NEW.tags);
END;
