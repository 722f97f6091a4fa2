-- Live connections: where each one's API calls go, its OAuth tokens (sealed with an AEAD key named
-- by `key_id`, so keys can rotate; never stored in the clear), and authorizations in progress.
ALTER TABLE connections ADD COLUMN api_base_url TEXT;
ALTER TABLE connections ADD COLUMN api_version TEXT;
ALTER TABLE connections ADD COLUMN login_customer_id TEXT;

CREATE TABLE connection_credentials (
    connection_id TEXT PRIMARY KEY NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    key_id        TEXT NOT NULL CHECK (length(key_id) > 0),
    nonce         BLOB NOT NULL,
    ciphertext    BLOB NOT NULL,
    -- When the access token expires (UTC text); refreshed ahead of it.
    expires_at    TEXT,
    updated_at    TEXT NOT NULL
);

-- Between the redirect to the platform and its callback: the `state` (single use) and the PKCE
-- verifier, with what the connection will be. Expired rows are swept when a new one is made.
CREATE TABLE oauth_pending (
    state         TEXT PRIMARY KEY NOT NULL,
    project_id    TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    platform      TEXT NOT NULL CHECK (platform IN ('google', 'meta', 'pinterest')),
    draft         TEXT NOT NULL CHECK (json_valid(draft)),
    code_verifier TEXT NOT NULL,
    redirect_uri  TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX oauth_pending_expires ON oauth_pending (expires_at);
