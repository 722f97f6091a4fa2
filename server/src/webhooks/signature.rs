//! Standard Webhooks signatures (<https://www.standardwebhooks.com>): the sender signs
//! `{webhook-id}.{webhook-timestamp}.{body}` with HMAC-SHA256 under the shared secret and sends
//! `webhook-signature: v1,<base64>` (several, space-separated, while a secret is being rotated).
//! Secrets travel as `whsec_<base64 of the key>`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

pub const SECRET_PREFIX: &str = "whsec_";
/// How far a delivery's timestamp may be from now, either way.
pub const TOLERANCE_SECS: i64 = 5 * 60;
const KEY_BYTES: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the {0} header is missing")]
    Missing(&'static str),
    #[error("webhook-timestamp is not a Unix time in seconds")]
    BadTimestamp,
    #[error("webhook-timestamp is {0} s away from now; at most {TOLERANCE_SECS} s is accepted")]
    OutsideWindow(i64),
    #[error("webhook-signature holds no v1 signature")]
    NoSignature,
    #[error("no signature matches")]
    Mismatch,
}

/// A webhook's signing key.
#[derive(Clone)]
pub struct WebhookSecret(Vec<u8>);

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

impl WebhookSecret {
    pub fn generate() -> anyhow::Result<WebhookSecret> {
        let mut key = vec![0u8; KEY_BYTES];
        SystemRandom::new()
            .fill(&mut key)
            .map_err(|_| anyhow::anyhow!("the system's random source failed"))?;
        Ok(WebhookSecret(key))
    }

    /// From its `whsec_…` text (the prefix is optional, as Standard Webhooks libraries accept).
    pub fn parse(text: &str) -> Result<WebhookSecret, String> {
        let b64 = text.trim().strip_prefix(SECRET_PREFIX).unwrap_or(text.trim());
        let key = STANDARD
            .decode(b64)
            .map_err(|_| "a webhook secret is 'whsec_' followed by base64".to_owned())?;
        WebhookSecret::from_bytes(key)
    }

    pub fn from_bytes(key: Vec<u8>) -> Result<WebhookSecret, String> {
        if key.len() < 24 || key.len() > 64 {
            return Err("a webhook secret holds 24 to 64 bytes".to_owned());
        }
        Ok(WebhookSecret(key))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn to_text(&self) -> String {
        format!("{SECRET_PREFIX}{}", STANDARD.encode(&self.0))
    }

    fn key(&self) -> hmac::Key {
        hmac::Key::new(hmac::HMAC_SHA256, &self.0)
    }

    fn content(id: &str, timestamp: &str, body: &[u8]) -> Vec<u8> {
        let mut content = Vec::with_capacity(id.len() + timestamp.len() + body.len() + 2);
        content.extend_from_slice(id.as_bytes());
        content.push(b'.');
        content.extend_from_slice(timestamp.as_bytes());
        content.push(b'.');
        content.extend_from_slice(body);
        content
    }

    /// The `webhook-signature` value for a delivery.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let tag = hmac::sign(&self.key(), &Self::content(id, &timestamp.to_string(), body));
        format!("v1,{}", STANDARD.encode(tag.as_ref()))
    }

    /// Checks a delivery's headers against its body at `now` (Unix seconds). The timestamp is
    /// checked first; each `v1` signature is compared in constant time.
    pub fn verify(
        &self,
        id: Option<&str>,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> Result<(), SignatureError> {
        let id = id
            .filter(|s| !s.is_empty())
            .ok_or(SignatureError::Missing("webhook-id"))?;
        let ts_text = timestamp.ok_or(SignatureError::Missing("webhook-timestamp"))?;
        let signature = signature.ok_or(SignatureError::Missing("webhook-signature"))?;
        let ts: i64 = ts_text.trim().parse().map_err(|_| SignatureError::BadTimestamp)?;
        let skew = now.saturating_sub(ts);
        if skew.abs() > TOLERANCE_SECS {
            return Err(SignatureError::OutsideWindow(skew));
        }
        let content = Self::content(id, ts_text.trim(), body);
        let key = self.key();
        let mut any = false;
        for part in signature.split_whitespace() {
            let Some(b64) = part.strip_prefix("v1,") else {
                continue;
            };
            any = true;
            if let Ok(tag) = STANDARD.decode(b64)
                && hmac::verify(&key, &content, &tag).is_ok()
            {
                return Ok(());
            }
        }
        Err(if any {
            SignatureError::Mismatch
        } else {
            SignatureError::NoSignature
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values from the `standardwebhooks` Python package (PyPI), `Webhook(secret).sign`.
    const SPEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const SPEC_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SPEC_TS: i64 = 1_614_265_330;
    const SPEC_BODY: &str = r#"{"test": 2432232314}"#;
    const SPEC_SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn spec() -> WebhookSecret {
        WebhookSecret::parse(SPEC_SECRET).expect("the spec's secret")
    }

    #[test]
    fn signs_as_the_reference_library_does() {
        assert_eq!(spec().sign(SPEC_ID, SPEC_TS, SPEC_BODY.as_bytes()), SPEC_SIG);
        let ours =
            WebhookSecret::parse("whsec_c3dpdGNoYm9hcmQtdGVzdC1zZWNyZXQtMzItYnl0ZXMh").expect("secret");
        assert_eq!(
            ours.sign(
                "msg_2Kq7Z3",
                1_764_028_800,
                br#"{"campaign":"Spring sale","budget":125.5}"#
            ),
            "v1,4I+i70CcJkSi3kjhbbCVO+/u8eGTP4H8CEnW2JyNklE="
        );
    }

    #[test]
    fn a_valid_signature_passes_among_others() {
        let s = spec();
        let body = SPEC_BODY.as_bytes();
        let ts = SPEC_TS.to_string();
        assert_eq!(
            s.verify(Some(SPEC_ID), Some(&ts), Some(SPEC_SIG), body, SPEC_TS + 10),
            Ok(())
        );
        // While a secret rotates, the sender signs with both; one match is enough.
        let both = format!("v1,AAAA v2,whatever {SPEC_SIG}");
        assert_eq!(
            s.verify(Some(SPEC_ID), Some(&ts), Some(&both), body, SPEC_TS),
            Ok(())
        );
    }

    #[test]
    fn a_changed_body_id_or_timestamp_fails() {
        let s = spec();
        let ts = SPEC_TS.to_string();
        let now = SPEC_TS;
        assert_eq!(
            s.verify(
                Some(SPEC_ID),
                Some(&ts),
                Some(SPEC_SIG),
                br#"{"test": 2432232315}"#,
                now
            ),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            s.verify(
                Some("msg_other"),
                Some(&ts),
                Some(SPEC_SIG),
                SPEC_BODY.as_bytes(),
                now
            ),
            Err(SignatureError::Mismatch)
        );
        let later = (SPEC_TS + 1).to_string();
        assert_eq!(
            s.verify(
                Some(SPEC_ID),
                Some(&later),
                Some(SPEC_SIG),
                SPEC_BODY.as_bytes(),
                now
            ),
            Err(SignatureError::Mismatch)
        );
        let other = WebhookSecret::generate().expect("random");
        assert_eq!(
            other.verify(
                Some(SPEC_ID),
                Some(&ts),
                Some(SPEC_SIG),
                SPEC_BODY.as_bytes(),
                now
            ),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn old_or_future_timestamps_are_refused_before_the_signature() {
        let s = spec();
        let ts = SPEC_TS.to_string();
        let body = SPEC_BODY.as_bytes();
        assert_eq!(
            s.verify(Some(SPEC_ID), Some(&ts), Some(SPEC_SIG), body, SPEC_TS + 301),
            Err(SignatureError::OutsideWindow(301))
        );
        assert_eq!(
            s.verify(Some(SPEC_ID), Some(&ts), Some(SPEC_SIG), body, SPEC_TS - 301),
            Err(SignatureError::OutsideWindow(-301))
        );
        assert!(
            s.verify(Some(SPEC_ID), Some(&ts), Some(SPEC_SIG), body, SPEC_TS + 300)
                .is_ok()
        );
        assert_eq!(
            s.verify(Some(SPEC_ID), Some("yesterday"), Some(SPEC_SIG), body, SPEC_TS),
            Err(SignatureError::BadTimestamp)
        );
    }

    #[test]
    fn missing_or_malformed_headers_are_named() {
        let s = spec();
        let ts = SPEC_TS.to_string();
        let body = SPEC_BODY.as_bytes();
        assert_eq!(
            s.verify(None, Some(&ts), Some(SPEC_SIG), body, SPEC_TS),
            Err(SignatureError::Missing("webhook-id"))
        );
        assert_eq!(
            s.verify(Some(SPEC_ID), None, Some(SPEC_SIG), body, SPEC_TS),
            Err(SignatureError::Missing("webhook-timestamp"))
        );
        assert_eq!(
            s.verify(Some(SPEC_ID), Some(&ts), None, body, SPEC_TS),
            Err(SignatureError::Missing("webhook-signature"))
        );
        assert_eq!(
            s.verify(Some(SPEC_ID), Some(&ts), Some("v1a,xyz"), body, SPEC_TS),
            Err(SignatureError::NoSignature)
        );
        assert_eq!(
            s.verify(Some(SPEC_ID), Some(&ts), Some("v1,not base64!"), body, SPEC_TS),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn secrets_round_trip_and_bad_ones_are_refused() {
        let s = WebhookSecret::generate().expect("random");
        let text = s.to_text();
        assert!(text.starts_with("whsec_"));
        assert_eq!(
            WebhookSecret::parse(&text).expect("parse").as_bytes(),
            s.as_bytes()
        );
        assert!(WebhookSecret::parse("whsec_!!").is_err());
        assert!(WebhookSecret::parse("whsec_c2hvcnQ=").is_err(), "too short");
        assert!(format!("{s:?}").contains('…'), "never printed");
    }
}
