//! API keys: made from 256 random bits, shown once, stored as their SHA-256 (a key is random, so a
//! fast hash is as strong as a slow one and keeps each request's check cheap).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};
use switchboard_core::RepoError;
use switchboard_core::api_key::{ApiKey, KEY_PREFIX, SHOWN_LEN, check_name, looks_like_key};
use switchboard_core::ports::ApiKeyRepo;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0}")]
    Invalid(String),
    #[error("the system's random source failed")]
    Random,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

pub fn hash(key: &str) -> Vec<u8> {
    digest(&SHA256, key.as_bytes()).as_ref().to_vec()
}

fn generate() -> Result<String, KeyError> {
    let mut bytes = [0u8; 32];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| KeyError::Random)?;
    Ok(format!("{KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// A new key named `name`: its record, and the key itself (shown this once).
pub async fn create(repo: &dyn ApiKeyRepo, name: &str) -> Result<(ApiKey, String), KeyError> {
    let name = check_name(name).map_err(KeyError::Invalid)?;
    let key = generate()?;
    let record = repo.create(&name, &hash(&key), &key[..SHOWN_LEN]).await?;
    Ok((record, key))
}

/// A new key in the database at `database_url` (the command line, tests and benchmarks).
pub async fn create_in(database_url: &str, name: &str) -> anyhow::Result<(ApiKey, String)> {
    let pool = crate::db::connect_with_limit(crate::db::connect_options(database_url)?, 1).await?;
    crate::db::migrate(&pool).await?;
    let repo = crate::db::SqliteApiKeyRepo::new(crate::db::Db::without_events(&pool));
    let made = create(&repo, name).await;
    pool.close().await;
    made.map_err(|e| anyhow::anyhow!("{e}"))
}

/// The active key a bearer token names, if any.
pub async fn authenticate(repo: &dyn ApiKeyRepo, token: &str) -> Result<Option<ApiKey>, RepoError> {
    if !looks_like_key(token) {
        return Ok(None);
    }
    repo.authenticate(&hash(token)).await
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_have_the_documented_shape() {
        let a = generate().expect("random");
        let b = generate().expect("random");
        assert_ne!(a, b);
        assert!(looks_like_key(&a), "{a}");
        assert_eq!(hash(&a).len(), 32);
        assert_ne!(hash(&a), hash(&b));
    }

    #[test]
    fn bearer_tokens_are_read_case_insensitively() {
        let mut h = axum::http::HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert("authorization", "bearer sbk_x".parse().expect("header"));
        assert_eq!(bearer(&h), Some("sbk_x"));
        h.insert("authorization", "Basic dXNlcjpwdw==".parse().expect("header"));
        assert_eq!(bearer(&h), None);
    }
}
