-- Recall reads its candidates from two covering indexes: one seek per combination of "the same"
-- and "not said" of a question's action, platform, objective and vertical, newest first
-- (server/src/db/memory_repo/candidates.rs). They replace the two indexes on the same columns.
DROP INDEX memories_action;
DROP INDEX memories_platform;
CREATE INDEX memories_recall_action ON memories (forgotten, action, platform, objective, vertical, updated_at);
CREATE INDEX memories_recall_platform ON memories (forgotten, platform, objective, vertical, action, updated_at);
