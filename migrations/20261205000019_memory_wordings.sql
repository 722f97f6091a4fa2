-- A learning keeps the other wordings merged into it (one per line), and a search reads them like
-- its summary: the full-text index gets a fourth column and is rebuilt from the table.
ALTER TABLE memories ADD COLUMN variants TEXT NOT NULL DEFAULT '';

DROP TRIGGER memories_fts_insert;
DROP TRIGGER memories_fts_delete;
DROP TRIGGER memories_fts_update;
DROP TABLE memories_fts;

CREATE VIRTUAL TABLE memories_fts USING fts5 (
    summary, subject, tags, variants,
    content = 'memories', content_rowid = 'n',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
    INSERT INTO memories_fts (rowid, summary, subject, tags, variants) VALUES (NEW.n, NEW.summary, coalesce(NEW.subject, ''), NEW.tags, NEW.variants);
END;
CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, summary, subject, tags, variants) VALUES ('delete', OLD.n, OLD.summary, coalesce(OLD.subject, ''), OLD.tags, OLD.variants);
END;
CREATE TRIGGER memories_fts_update AFTER UPDATE OF summary, subject, tags, variants ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, summary, subject, tags, variants) VALUES ('delete', OLD.n, OLD.summary, coalesce(OLD.subject, ''), OLD.tags, OLD.variants);
    INSERT INTO memories_fts (rowid, summary, subject, tags, variants) VALUES (NEW.n, NEW.summary, coalesce(NEW.subject, ''), NEW.tags, NEW.variants);
END;
INSERT INTO memories_fts (memories_fts) VALUES ('rebuild');
