//! Multi-row upserts that report which rows they inserted or changed: the bulk writes of the
//! legacy import and of the performance sync.

use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, AssertSqlSafe, Sqlite, Transaction};

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
        let mut statements = Statements::new(self, rows, false);
        let mut written = 0;
        while let Some((sql, args)) = statements.next_statement()? {
            written += sqlx::query_with(AssertSqlSafe(sql), args)
                .execute(&mut **tx)
                .await?
                .rows_affected();
        }
        Ok(written)
    }

    /// Inserts new rows and updates rows that differ; returns the keys of the rows it wrote (rows
    /// equal to what is stored are left alone and not returned).
    pub async fn upsert(
        &self,
        tx: &mut Transaction<'_, Sqlite>,
        rows: Vec<Vec<Cell>>,
    ) -> Result<Vec<String>, sqlx::Error> {
        let mut statements = Statements::new(self, rows, true);
        let mut written = Vec::new();
        while let Some((sql, args)) = statements.next_statement()? {
            let keys: Vec<String> = sqlx::query_scalar_with(AssertSqlSafe(sql), args)
                .fetch_all(&mut **tx)
                .await?;
            written.extend(keys);
        }
        Ok(written)
    }

    /// `INSERT INTO t (a, b) VALUES (?, ?), (?, ?) … ON CONFLICT …` for `rows` rows.
    fn statement(&self, rows: usize, on_conflict: &str) -> String {
        let row = format!("({})", vec!["?"; self.columns.len()].join(", "));
        let mut sql = format!("INSERT INTO {} ({}) VALUES ", self.name, self.columns.join(", "));
        sql.reserve(rows * (row.len() + 2) + on_conflict.len());
        for i in 0..rows {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&row);
        }
        sql.push_str(on_conflict);
        sql
    }
}

/// A table's rows cut into statements of as many rows as one statement may bind. The text of a
/// full statement is built once and reused (building it for every batch was a tenth of the
/// writer's work).
struct Statements<'t> {
    table: &'t Table,
    rows: std::vec::IntoIter<Vec<Cell>>,
    per_statement: usize,
    on_conflict: String,
    full: Option<String>,
}

impl<'t> Statements<'t> {
    fn new(table: &'t Table, rows: Vec<Vec<Cell>>, returning: bool) -> Self {
        Statements {
            table,
            rows: rows.into_iter(),
            per_statement: (MAX_VALUES / table.columns.len()).max(1),
            on_conflict: table.on_conflict(returning),
            full: None,
        }
    }

    fn next_statement(&mut self) -> Result<Option<(String, SqliteArguments)>, sqlx::Error> {
        let mut args = SqliteArguments::default();
        let mut count = 0;
        for row in self.rows.by_ref().take(self.per_statement) {
            for cell in row {
                match cell {
                    Cell::Text(s) => args.add(s),
                    Cell::OptText(s) => args.add(s),
                    Cell::Int(n) => args.add(n),
                    Cell::OptInt(n) => args.add(n),
                    Cell::Real(f) => args.add(f),
                }
                .map_err(sqlx::Error::Encode)?;
            }
            count += 1;
        }
        if count == 0 {
            return Ok(None);
        }
        let sql = if count == self.per_statement {
            self.full
                .get_or_insert_with(|| self.table.statement(count, &self.on_conflict))
                .clone()
        } else {
            self.table.statement(count, &self.on_conflict)
        };
        Ok(Some((sql, args)))
    }
}
