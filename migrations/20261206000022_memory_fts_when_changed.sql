-- A learning's words go to the full-text index again only when they changed: a merge that adds
-- evidence to a learning rewrites its row, and the trigger used to delete and re-insert its
-- index entry every time (README: Benchmarks, Agent memory).
DROP TRIGGER memories_fts_update;
CREATE TRIGGER memories_fts_update AFTER UPDATE OF summary, subject, tags, variants ON memories
WHEN OLD.summary IS NOT NEW.summary OR OLD.subject IS NOT NEW.subject OR OLD.tags IS NOT NEW.tags
    OR OLD.variants IS NOT NEW.variants
BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, summary, subject, tags, variants) VALUES ('delete', OLD.n, OLD.summary, coalesce(OLD.subject, ''), OLD.tags, OLD.variants);
    INSERT INTO memories_fts (rowid, summary, subject, tags, variants) VALUES (NEW.n, NEW.summary, coalesce(NEW.subject, ''), NEW.tags, NEW.variants);
END;
