//! Secrets at rest: OAuth tokens are sealed with AES-256-GCM before they reach the database. The key
//! comes from `SWITCHBOARD_SECRET_KEY`, or is generated on first run into a file beside the database
//! (mode 0600). Every ciphertext names its key, so a key can rotate: the new key goes in
//! `SWITCHBOARD_SECRET_KEY`, the old one in `SWITCHBOARD_SECRET_KEY_PREVIOUS` until every secret has
//! been sealed again (which happens whenever a token is refreshed or a connection re-authorized).

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use std::fmt;
use std::path::{Path, PathBuf};
use switchboard_core::connection::SealedSecret;

pub const KEY_VAR: &str = "SWITCHBOARD_SECRET_KEY";
pub const PREVIOUS_KEYS_VAR: &str = "SWITCHBOARD_SECRET_KEY_PREVIOUS";
/// The generated key's file name, in the database's directory.
pub const KEY_FILE: &str = "switchboard.key";

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the secret was sealed with key '{0}', which is not configured (put it in {PREVIOUS_KEYS_VAR})")]
    UnknownKey(String),
    #[error("the secret does not open with its key: it was changed, or belongs to another record")]
    Tampered,
    #[error("the system's random source failed")]
    Random,
}

struct Key {
    id: String,
    key: LessSafeKey,
}

impl Key {
    fn new(bytes: &[u8; 32]) -> Self {
        let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
        let id = format!("k{}", hex(&digest.as_ref()[..6]));
        let unbound = UnboundKey::new(&AES_256_GCM, bytes).expect("a 32-byte key fits AES-256");
        Key {
            id,
            key: LessSafeKey::new(unbound),
        }
    }
}

/// Where the current key came from (start-up logs it, never the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    File(PathBuf),
    Generated(PathBuf),
    /// An in-memory database: the key lives as long as the process.
    Ephemeral,
}

/// The current key (seals) and any previous ones (open only).
pub struct Keyring {
    current: Key,
    previous: Vec<Key>,
    random: SystemRandom,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &self.current.id)
            .field(
                "previous",
                &self.previous.iter().map(|k| &k.id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Keyring {
    pub fn new(current: &[u8; 32], previous: &[[u8; 32]]) -> Self {
        Keyring {
            current: Key::new(current),
            previous: previous.iter().map(Key::new).collect(),
            random: SystemRandom::new(),
        }
    }

    /// The key from the environment, else from the key file beside `database` (made on first run).
    pub fn load(database: Option<&Path>) -> anyhow::Result<(Self, KeySource)> {
        let previous = match std::env::var(PREVIOUS_KEYS_VAR) {
            Ok(text) => text
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| parse_key(t).with_context(|| format!("{PREVIOUS_KEYS_VAR}: a key is not valid")))
                .collect::<anyhow::Result<Vec<_>>>()?,
            Err(_) => Vec::new(),
        };
        if let Ok(text) = std::env::var(KEY_VAR)
            && !text.trim().is_empty()
        {
            let key = parse_key(text.trim()).with_context(|| format!("{KEY_VAR} is not a valid key"))?;
            return Ok((Keyring::new(&key, &previous), KeySource::Environment));
        }
        let Some(database) = database else {
            tracing::warn!("in-memory database: tokens are sealed with a key that ends with the process");
            let key = random_key()?;
            return Ok((Keyring::new(&key, &previous), KeySource::Ephemeral));
        };
        let path = database
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .join(KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                warn_if_readable_by_others(&path);
                let key = parse_key(text.trim())
                    .with_context(|| format!("the key file {} does not hold a valid key", path.display()))?;
                Ok((Keyring::new(&key, &previous), KeySource::File(path)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = random_key()?;
                write_key_file(&path, &key)?;
                Ok((Keyring::new(&key, &previous), KeySource::Generated(path)))
            }
            Err(e) => Err(e).with_context(|| format!("cannot read the key file {}", path.display())),
        }
    }

    pub fn current_key_id(&self) -> &str {
        &self.current.id
    }

    /// Seals `plain`, bound to `context` (a record's identity): it opens only with the same context.
    pub fn seal(&self, plain: &[u8], context: &str) -> Result<SealedSecret, SecretError> {
        let mut nonce = [0u8; NONCE_LEN];
        self.random.fill(&mut nonce).map_err(|_| SecretError::Random)?;
        let mut buffer = plain.to_vec();
        self.current
            .key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut buffer,
            )
            .map_err(|_| SecretError::Random)?;
        Ok(SealedSecret {
            key_id: self.current.id.clone(),
            nonce: nonce.to_vec(),
            ciphertext: buffer,
        })
    }

    pub fn open(&self, sealed: &SealedSecret, context: &str) -> Result<Vec<u8>, SecretError> {
        let key = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id == sealed.key_id)
            .ok_or_else(|| SecretError::UnknownKey(sealed.key_id.clone()))?;
        let nonce: [u8; NONCE_LEN] = sealed
            .nonce
            .as_slice()
            .try_into()
            .map_err(|_| SecretError::Tampered)?;
        let mut buffer = sealed.ciphertext.clone();
        let plain = key
            .key
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut buffer,
            )
            .map_err(|_| SecretError::Tampered)?;
        Ok(plain.to_vec())
    }

    /// Random text for OAuth `state` values and PKCE verifiers (URL-safe base64 of 32 bytes).
    pub fn random_token(&self) -> Result<String, SecretError> {
        let mut bytes = [0u8; 32];
        self.random.fill(&mut bytes).map_err(|_| SecretError::Random)?;
        Ok(URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// The PKCE `S256` challenge of a verifier.
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes()))
}

/// Meta's `appsecret_proof`: HMAC-SHA256 of the access token under the app secret, in hex.
pub fn appsecret_proof(app_secret: &str, token: &str) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, app_secret.as_bytes());
    hex(ring::hmac::sign(&key, token.as_bytes()).as_ref())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// A key is 32 bytes, written as 64 hex digits or as base64 (either alphabet, padded or not).
fn parse_key(text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
        (0..32)
            .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16))
            .collect::<Result<Vec<u8>, _>>()
            .context("not hex")?
    } else {
        [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
            .iter()
            .find_map(|engine| engine.decode(text).ok())
            .context("a key is 32 bytes written as 64 hex digits or as base64 (openssl rand -base64 32)")?
    };
    match <[u8; 32]>::try_from(bytes.as_slice()) {
        Ok(key) => Ok(key),
        Err(_) => bail!(
            "a key is 32 bytes; this one is {} (openssl rand -base64 32 makes one)",
            bytes.len()
        ),
    }
}

fn random_key() -> anyhow::Result<[u8; 32]> {
    let mut key = [0u8; 32];
    SystemRandom::new()
        .fill(&mut key)
        .map_err(|_| anyhow::anyhow!("the system's random source failed"))?;
    Ok(key)
}

fn write_key_file(path: &Path, key: &[u8; 32]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create the key file {}", path.display()))?;
    writeln!(file, "{}", STANDARD.encode(key))
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write the key file {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated the key that seals connection tokens; back it up with the database");
    Ok(())
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %path.display(), "the key file can be read by other users; run chmod 600 on it");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_context() {
        let ring = Keyring::new(&[7; 32], &[]);
        let sealed = ring.seal(b"ya29.token", "conn/a").expect("seal");
        assert_ne!(sealed.ciphertext, b"ya29.token");
        assert_eq!(ring.open(&sealed, "conn/a").expect("open"), b"ya29.token");
        assert!(matches!(ring.open(&sealed, "conn/b"), Err(SecretError::Tampered)));
        let mut changed = sealed.clone();
        changed.ciphertext[0] ^= 1;
        assert!(matches!(
            ring.open(&changed, "conn/a"),
            Err(SecretError::Tampered)
        ));
        // Two seals of the same text differ (fresh nonce).
        assert_ne!(
            ring.seal(b"ya29.token", "conn/a").expect("seal").nonce,
            sealed.nonce
        );
    }

    #[test]
    fn a_rotated_keyring_opens_old_secrets_and_seals_with_the_new_key() {
        let old = Keyring::new(&[1; 32], &[]);
        let sealed = old.seal(b"token", "c").expect("seal");
        let rotated = Keyring::new(&[2; 32], &[[1; 32]]);
        assert_eq!(rotated.open(&sealed, "c").expect("open"), b"token");
        assert_ne!(rotated.seal(b"token", "c").expect("seal").key_id, sealed.key_id);
        let without = Keyring::new(&[2; 32], &[]);
        assert!(matches!(
            without.open(&sealed, "c"),
            Err(SecretError::UnknownKey(_))
        ));
    }

    #[test]
    fn keys_are_read_as_hex_or_base64_and_must_be_32_bytes() {
        let hex_key = "00".repeat(31) + "ff";
        assert_eq!(parse_key(&hex_key).expect("hex")[31], 0xff);
        assert_eq!(parse_key(&STANDARD.encode([9u8; 32])).expect("base64"), [9; 32]);
        assert!(parse_key(&STANDARD.encode([9u8; 16])).is_err());
        assert!(parse_key("not a key").is_err());
    }

    #[test]
    fn the_generated_key_file_is_private_and_read_back() {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("switchboard.db");
        let (first, source) = Keyring::load(Some(&db)).expect("generate");
        assert_eq!(source, KeySource::Generated(dir.path().join(KEY_FILE)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (second, source) = Keyring::load(Some(&db)).expect("read");
        assert!(matches!(source, KeySource::File(_)));
        assert_eq!(first.current_key_id(), second.current_key_id());
    }

    #[test]
    fn pkce_and_appsecret_proof_match_their_specs() {
        // RFC 7636, appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        // HMAC-SHA256 test vector (RFC 4231, case 2).
        assert_eq!(
            appsecret_proof("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
