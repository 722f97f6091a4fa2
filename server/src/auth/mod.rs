//! Who is calling: API keys for `/api/v1` (and for webhooks, as a bearer key).

pub mod api_keys;
