//! Who is calling: the owner (a login session), API keys, the gate every request passes, and the
//! login and first-run pages.

pub mod access;
pub mod api_keys;
pub mod guard;
pub mod pages;
pub mod password;
