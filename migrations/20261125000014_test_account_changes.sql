-- Test-mode accounts keep their changes as a log: a write tool's call (the tool, its parameters
-- and the moment it ran) is appended, and the account is its snapshot (`connector_test_accounts`)
-- with the calls since replayed in order. Writing a small row per change instead of the whole
-- account is what keeps many runs on one account fast. The snapshot is rewritten, and the log
-- emptied, every 32 changes; `connector_test_accounts.updated_at` is when the snapshot was written.
CREATE TABLE connector_test_account_changes (
    seq           INTEGER PRIMARY KEY,
    connection_id TEXT NOT NULL REFERENCES connector_test_accounts (connection_id) ON DELETE CASCADE,
    tool          TEXT NOT NULL CHECK (length(tool) > 0),
    params        TEXT NOT NULL CHECK (json_valid(params)),
    called_at     TEXT NOT NULL
);

CREATE INDEX connector_test_account_changes_by_account
    ON connector_test_account_changes (connection_id, seq);
