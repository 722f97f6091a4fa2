//! A tool result as a table for people: the rows of a Graph page (`data`), of a GAQL answer
//! (`results`), of a Pinterest page or bulk write (`items`) or of a mutate (`mutateOperationResponses`), nested objects flattened to dotted
//! columns (`campaign.name`, `metrics.costMicros`), lists shown as compact JSON.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The most columns and rows shown; the raw JSON always has everything.
pub const MAX_COLUMNS: usize = 14;
pub const MAX_ROWS: usize = 200;
const MAX_CELL: usize = 120;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultTable {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Rows in the result (more than `rows` when it was cut at [`MAX_ROWS`]).
    pub total: usize,
}

fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) if prefix.matches('.').count() < 2 => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        Value::String(s) => out.push((prefix.to_owned(), s.clone())),
        Value::Null => out.push((prefix.to_owned(), String::new())),
        other => {
            let mut text = other.to_string();
            if text.chars().count() > MAX_CELL {
                text = text.chars().take(MAX_CELL - 1).collect::<String>() + "…";
            }
            out.push((prefix.to_owned(), text));
        }
    }
}

/// The table of a result, when it has rows.
pub fn tabulate(result: &Value) -> Option<ResultTable> {
    let rows = ["data", "results", "items", "mutateOperationResponses"]
        .iter()
        .find_map(|k| result.get(*k).and_then(Value::as_array))
        .or_else(|| result.as_array())?;
    let mut columns: Vec<String> = Vec::new();
    let flat: Vec<Vec<(String, String)>> = rows
        .iter()
        .take(MAX_ROWS)
        .map(|row| {
            let mut cells = Vec::new();
            flatten("", row, &mut cells);
            for (key, _) in &cells {
                if !columns.contains(key) {
                    columns.push(key.clone());
                }
            }
            cells
        })
        .collect();
    // Who and what first: ids, names and failures, dates, statuses; then the rest as they came;
    // resource names last. Past MAX_COLUMNS the least telling go.
    columns.sort_by_key(|c| {
        let last = c.rsplit('.').next().unwrap_or(c);
        match last {
            _ if last == "id" || last.ends_with("_id") => 0,
            "name" | "campaign_name" | "descriptiveName" | "exceptions" => 1,
            "date" | "date_start" | "date_stop" => 2,
            "status" | "effective_status" | "objective" | "objective_type" => 3,
            "resourceName" => 5,
            _ => 4,
        }
    });
    // A column no row fills says nothing.
    columns.retain(|c| {
        flat.iter()
            .any(|cells| cells.iter().any(|(k, v)| k == c && !v.is_empty() && v != "null"))
    });
    columns.truncate(MAX_COLUMNS);
    let rows = flat
        .into_iter()
        .map(|cells| {
            columns
                .iter()
                .map(|c| {
                    cells
                        .iter()
                        .find(|(k, _)| k == c)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    Some(ResultTable {
        columns,
        rows,
        total: result_len(result),
    })
}

fn result_len(result: &Value) -> usize {
    ["data", "results", "items", "mutateOperationResponses"]
        .iter()
        .find_map(|k| result.get(*k).and_then(Value::as_array))
        .or_else(|| result.as_array())
        .map_or(0, Vec::len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn graph_pages_and_gaql_rows_become_flat_columns() {
        let meta = json!({"data": [
            {"id": "1", "name": "A", "status": "ACTIVE", "special_ad_categories": []},
            {"id": "2", "name": "B", "status": "PAUSED", "daily_budget": "5000"}
        ], "paging": {"cursors": {"after": "x"}}});
        let t = tabulate(&meta).expect("table");
        assert_eq!(
            t.columns,
            ["id", "name", "status", "special_ad_categories", "daily_budget"]
        );
        assert_eq!(t.rows[1], ["2", "B", "PAUSED", "", "5000"]);
        assert_eq!(t.total, 2);

        let google = json!({"results": [{"campaign": {"id": "9", "name": "Brand"}, "metrics": {"clicks": "4", "ctr": 0.05}}]});
        let t = tabulate(&google).expect("table");
        assert_eq!(
            t.columns,
            ["campaign.id", "campaign.name", "metrics.clicks", "metrics.ctr"]
        );
        assert_eq!(t.rows[0], ["9", "Brand", "4", "0.05"]);

        let pinterest = json!({"items": [{"data": {"id": "7", "name": "Winter"}, "exceptions": []},
                                         {"exceptions": [{"code": 1, "message": "no"}]}], "bookmark": null});
        let t = tabulate(&pinterest).expect("table");
        assert_eq!(t.columns, ["data.id", "data.name", "exceptions"]);
        assert_eq!(t.rows[1], ["", "", r#"[{"code":1,"message":"no"}]"#]);
        let wide: Value = json!({"items": [{"data": (0..30).map(|i| (format!("f{i}"), json!(i))).collect::<serde_json::Map<_, _>>()},
                                           {"exceptions": [{"code": 1, "message": "no"}]}]});
        let t = tabulate(&wide).expect("table");
        assert_eq!(t.columns.len(), MAX_COLUMNS);
        assert!(t.columns.contains(&"exceptions".to_owned()));

        assert_eq!(tabulate(&json!({"id": "act_1"})), None);
    }
}
