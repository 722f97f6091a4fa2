//! What the import knows exists: records already in the database and those accepted so far.

use sqlx::{Sqlite, Transaction};
use std::collections::{HashMap, HashSet};
use switchboard_core::legacy::Known;
use switchboard_core::{Currency, Platform};

#[derive(Default)]
pub struct KnownIds {
    pub projects: HashMap<String, Currency>,
    pub workflows: HashSet<String>,
    pub executions: HashSet<String>,
    pub campaigns: HashMap<String, (Platform, Currency)>,
    /// (project, platform, platform id) -> campaign id: two campaigns cannot share a platform id.
    pub campaign_keys: HashMap<(String, String, String), String>,
}

impl KnownIds {
    pub async fn load(tx: &mut Transaction<'_, Sqlite>) -> Result<Self, sqlx::Error> {
        let mut known = KnownIds::default();
        let projects: Vec<(String, String)> = sqlx::query_as("SELECT id, currency FROM projects")
            .fetch_all(&mut **tx)
            .await?;
        for (id, currency) in projects {
            known
                .projects
                .insert(id, Currency::parse(&currency).unwrap_or(Currency::USD));
        }
        known.workflows = sqlx::query_scalar("SELECT id FROM workflows")
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .collect();
        known.executions = sqlx::query_scalar("SELECT id FROM executions")
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .collect();
        let campaigns: Vec<(String, String, String, String, String)> =
            sqlx::query_as("SELECT id, project_id, platform, external_id, currency FROM campaigns")
                .fetch_all(&mut **tx)
                .await?;
        for (id, project, platform, external, currency) in campaigns {
            if let Ok(p) = platform.parse::<Platform>() {
                known.campaigns.insert(
                    id.clone(),
                    (p, Currency::parse(&currency).unwrap_or(Currency::USD)),
                );
            }
            known.campaign_keys.insert((project, platform, external), id);
        }
        Ok(known)
    }
}

impl Known for KnownIds {
    fn project_currency(&self, id: &str) -> Option<Currency> {
        self.projects.get(id).copied()
    }
    fn workflow_exists(&self, id: &str) -> bool {
        self.workflows.contains(id)
    }
    fn execution_exists(&self, id: &str) -> bool {
        self.executions.contains(id)
    }
    fn campaign(&self, id: &str) -> Option<(Platform, Currency)> {
        self.campaigns.get(id).copied()
    }
}
