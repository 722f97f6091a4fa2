-- Access control: the owner's password (Argon2id, PHC string) and the UI's login sessions.

CREATE TABLE owner (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT
);

-- A session cookie holds a random token; only its SHA-256 is kept.
CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY NOT NULL CHECK (length(token_hash) = 32),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    user_agent   TEXT
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
