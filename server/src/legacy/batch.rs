//! The legacy import's tables, written with the multi-row upserts of `db::upsert`.

pub use crate::db::upsert::{BATCH_ROWS, Cell, Table};

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
