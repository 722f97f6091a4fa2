//! A tool: a named action on one platform, with the schemas of what it takes and what it returns.

use super::error::ConnectorError;
use super::schema;
use crate::platform::Platform;
use serde::Serialize;
use serde_json::Value;
use std::sync::LazyLock;

/// Whether a tool only reads the account or changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Access {
    Read,
    Write,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ToolSpec {
    pub name: &'static str,
    /// The platform endpoint the tool calls in live mode (`GET /ad_accounts/{ad_account_id}/campaigns`).
    pub endpoint: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub access: Access,
    /// JSON Schema of the parameters (always an object).
    pub params: Value,
    /// JSON Schema of the result, in the platform's own shape.
    pub result: Value,
}

impl ToolSpec {
    /// Checks parameters against the schema; the error names the field.
    pub fn check_params(&self, params: &Value) -> Result<(), ConnectorError> {
        schema::validate(&self.params, params, "params").map_err(ConnectorError::InvalidParams)
    }
}

static GOOGLE: LazyLock<Vec<ToolSpec>> = LazyLock::new(super::google::tools);
static META: LazyLock<Vec<ToolSpec>> = LazyLock::new(super::meta::tools);
static PINTEREST: LazyLock<Vec<ToolSpec>> = LazyLock::new(super::pinterest::tools);

/// Every tool a platform's connector offers.
pub fn catalog(platform: Platform) -> &'static [ToolSpec] {
    match platform {
        Platform::Google => &GOOGLE,
        Platform::Meta => &META,
        Platform::Pinterest => &PINTEREST,
    }
}

pub fn find_tool(platform: Platform, name: &str) -> Result<&'static ToolSpec, ConnectorError> {
    catalog(platform)
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| ConnectorError::UnknownTool {
            platform,
            name: name.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_is_enforceable_and_every_name_unique() {
        assert_eq!(catalog(Platform::Pinterest).len(), 19);
        for platform in Platform::ALL {
            let tools = catalog(platform);
            assert!(tools.len() >= 8, "{platform}");
            for t in tools {
                let at = format!("{platform}.{}", t.name);
                assert_eq!(schema::check_schema(&t.params, &format!("{at}.params")), Ok(()));
                assert_eq!(schema::check_schema(&t.result, &format!("{at}.result")), Ok(()));
                assert_eq!(t.params["type"], "object", "{at}");
                assert_eq!(t.params["additionalProperties"], false, "{at}");
                assert_eq!(tools.iter().filter(|o| o.name == t.name).count(), 1, "{at}");
            }
        }
        assert!(matches!(
            find_tool(Platform::Meta, "nope"),
            Err(ConnectorError::UnknownTool { .. })
        ));
    }
}
