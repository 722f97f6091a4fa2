//! One-time values across a plain form post's redirect (see [`crate::flash`]): what the post made,
//! or what was typed into a form that answered an error, kept for the page the browser is sent back
//! to.

use super::ServiceError;

pub trait FlashService: Send + Sync {
    /// Keeps `payload` for one read by the page `scope`; answers the `Set-Cookie` value that hands
    /// the browser its id (the [`crate::flash::FLASH_COOKIE`] cookie).
    fn put(&self, scope: &str, payload: String) -> Result<String, ServiceError>;
    /// The payload kept under `id` for `scope`, removed: a second read finds nothing, and so does
    /// a read after [`crate::flash::FLASH_TTL_SECS`].
    fn take(&self, id: &str, scope: &str) -> Option<String>;
}
