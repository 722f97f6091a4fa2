-- Test-mode ad accounts: the state of the generated account behind a test connection (campaigns,
-- ad groups and ads with their dated budget and status changes), as JSON, so that what a tool
-- created or changed is still there on the next call and after a restart.
CREATE TABLE connector_test_accounts (
    connection_id TEXT PRIMARY KEY NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    seed          TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (json_valid(state)),
    updated_at    TEXT NOT NULL
);
