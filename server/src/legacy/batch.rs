//! Multi-row upserts that report which rows they inserted or changed.

use sqlx::{QueryBuilder, Sqlite, Transaction};

/// SQLite allows 32,766 bound values per statement; stay well below.
const MAX_VALUES: usize = 30_000;
/// Rows per statement: enough to amortise the round trip to SQLite's worker thread.
pub const BATCH_ROWS: usize = 1_000;

/// One bound value. Texts are owned and moved into the statement's arguments: the import binds
/// a quarter of a gigabyte of text, and binding borrowed text would copy all of it once more.
pub enum Cell {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptInt(Option<i64>),
    Real(f64),
}

/// A table's upsert: its columns, its conflict key, columns the first write keeps, and the SQL
/// expression that names a changed row.
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [&'static str],
    pub key: &'static [&'static str],
    pub keep_on_update: &'static [&'static str],
    pub returning: &'static str,
}

impl Table {
    fn on_conflict(&self, returning: bool) -> String {
        let updated: Vec<&str> = self
            .columns
            .iter()
            .copied()
            .filter(|c| !self.key.contains(c) && !self.keep_on_update.contains(c))
            .collect();
        let set: Vec<String> = updated.iter().map(|c| format!("{c} = excluded.{c}")).collect();
        let changed: Vec<String> = updated
            .iter()
            .map(|c| format!("{c} IS NOT excluded.{c}"))
            .collect();
        let mut sql = format!(
            " ON CONFLICT ({}) DO UPDATE SET {} WHERE {}",
            self.key.join(", "),
            set.join(", "),
            changed.join(" OR ")
        );
        if returning {
            sql.push_str(" RETURNING ");
            sql.push_str(self.returning);
        }
        sql
    }

    /// Inserts new rows and updates rows that differ; returns how many rows it wrote (rows equal to
    /// what is stored are left alone and not counted).
    pub async fn upsert_count(
        &self,
        tx: &mut Transaction<'_, Sqlite>,
        rows: Vec<Vec<Cell>>,
    ) -> Result<u64, sqlx::Error> {
        let on_conflict = self.on_conflict(false);
        let mut written = 0;
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let mut qb = self.values(&mut rows);
            qb.push(&on_conflict);
            written += qb.build().execute(&mut **tx).await?.rows_affected();
        }
        Ok(written)
    }

    /// An `INSERT` of as many of `rows` as one statement may bind.
    fn values(&self, rows: &mut impl Iterator<Item = Vec<Cell>>) -> QueryBuilder<Sqlite> {
        let per_statement = (MAX_VALUES / self.columns.len()).max(1);
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "INSERT INTO {} ({}) ",
            self.name,
            self.columns.join(", ")
        ));
        qb.push_values(rows.take(per_statement), |mut b, row| {
            for cell in row {
                match cell {
                    Cell::Text(s) => b.push_bind(s),
                    Cell::OptText(s) => b.push_bind(s),
                    Cell::Int(n) => b.push_bind(n),
                    Cell::OptInt(n) => b.push_bind(n),
                    Cell::Real(f) => b.push_bind(f),
                };
            }
        });
        qb
    }

    /// Inserts new rows and updates rows that differ; returns the keys of the rows it wrote (rows
    /// equal to what is stored are left alone and not returned).
    pub async fn upsert(
        &self,
        tx: &mut Transaction<'_, Sqlite>,
        rows: Vec<Vec<Cell>>,
    ) -> Result<Vec<String>, sqlx::Error> {
        let on_conflict = self.on_conflict(true);
        let mut written = Vec::new();
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let mut qb = self.values(&mut rows);
            qb.push(&on_conflict);
            let keys: Vec<String> = qb.build_query_scalar().fetch_all(&mut **tx).await?;
            written.extend(keys);
        }
        Ok(written)
    }
}

pub const PROJECTS: Table = Table {
    name: "projects",
    columns: &[
        "id",
        "name",
        "client",
        "vertical",
        "description",
        "status",
        "monthly_budget_micros",
        "currency",
        "platforms",
        "extra",
        "created_at",
        "updated_at",
    ],
    key: &["id"],
    keep_on_update: &[],
    returning: "id",
};

pub const WORKFLOWS: Table = Table {
    name: "workflows",
    columns: &[
        "id",
        "name",
        "description",
        "trigger",
        "stages",
        "extra",
        "created_at",
        "updated_at",
    ],
    key: &["id"],
    keep_on_update: &[],
    returning: "id",
};

pub const CAMPAIGNS: Table = Table {
    name: "campaigns",
    columns: &[
        "id",
        "project_id",
        "platform",
        "external_id",
        "name",
        "objective",
        "status",
        "platform_status",
        "daily_budget_micros",
        "currency",
        "start_date",
        "end_date",
        "extra",
        "created_at",
    ],
    key: &["id"],
    keep_on_update: &[],
    returning: "id",
};

pub const EXECUTIONS: Table = Table {
    name: "executions",
    columns: &[
        "id",
        "workflow_id",
        "project_id",
        "status",
        "input",
        "result",
        "extra",
        "created_at",
        "started_at",
        "completed_at",
    ],
    key: &["id"],
    // When Switchboard first recorded the execution.
    keep_on_update: &["created_at"],
    returning: "id",
};

pub const STAGES: Table = Table {
    name: "execution_stages",
    columns: &[
        "execution_id",
        "position",
        "stage_id",
        "status",
        "attempt",
        "started_at",
        "completed_at",
        "output",
        "error",
        "extra",
    ],
    key: &["execution_id", "position"],
    keep_on_update: &[],
    returning: "execution_id",
};

pub const EVENTS: Table = Table {
    name: "events",
    columns: &["id", "execution_id", "type", "occurred_at", "data", "extra"],
    key: &["id"],
    keep_on_update: &[],
    returning: "id",
};

pub const ACTIVITY: Table = Table {
    name: "activity",
    columns: &[
        "id",
        "project_id",
        "actor",
        "action",
        "summary",
        "occurred_at",
        "meta",
        "extra",
    ],
    key: &["id"],
    keep_on_update: &[],
    returning: "id",
};

pub const METRICS: Table = Table {
    name: "campaign_daily_metrics",
    columns: &[
        "campaign_id",
        "date",
        "platform",
        "currency",
        "spend_micros",
        "impressions",
        "clicks",
        "conversions",
        "conversion_value_micros",
        "raw",
        "extra",
    ],
    key: &["campaign_id", "date"],
    keep_on_update: &[],
    returning: "campaign_id || '/' || date",
};
