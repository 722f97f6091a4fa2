//! What an import did, file by file.

use std::fmt;

/// Counts for one file. Every record lands in exactly one of: imported, updated, unchanged,
/// duplicates, refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    pub file: &'static str,
    pub present: bool,
    pub records: usize,
    pub imported: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Records repeating an earlier record of the same file exactly.
    pub duplicates: usize,
    /// Records that could not be imported; each is kept in `import_rejects` with its reason.
    pub refused: Vec<Issue>,
    /// Records imported with a note (for example a link to a record that no longer exists).
    pub warnings: Vec<Issue>,
}

/// One record's problem: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub position: usize,
    pub record_id: Option<String>,
    pub message: String,
    /// The record as it was, for refusals.
    pub record: Option<String>,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.record_id {
            Some(id) => write!(f, "record #{} ({id}): {}", self.position + 1, self.message),
            None => write!(f, "record #{}: {}", self.position + 1, self.message),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub files: Vec<FileReport>,
}

impl ImportReport {
    pub fn records(&self) -> usize {
        self.files.iter().map(|f| f.records).sum()
    }

    pub fn changed(&self) -> usize {
        self.files.iter().map(|f| f.imported + f.updated).sum()
    }
}

const SHOWN_ISSUES: usize = 20;

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<24} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
            "file", "records", "imported", "updated", "unchanged", "duplicate", "refused", "warnings"
        )?;
        for r in &self.files {
            if !r.present {
                writeln!(f, "{:<24} (not in the folder)", r.file)?;
                continue;
            }
            writeln!(
                f,
                "{:<24} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
                r.file,
                r.records,
                r.imported,
                r.updated,
                r.unchanged,
                r.duplicates,
                r.refused.len(),
                r.warnings.len()
            )?;
        }
        for r in &self.files {
            for (kind, issues) in [("refused", &r.refused), ("warning", &r.warnings)] {
                for issue in issues.iter().take(SHOWN_ISSUES) {
                    writeln!(f, "{}: {kind}: {issue}", r.file)?;
                }
                if issues.len() > SHOWN_ISSUES {
                    writeln!(
                        f,
                        "{}: … and {} more {kind}s",
                        r.file,
                        issues.len() - SHOWN_ISSUES
                    )?;
                }
            }
        }
        Ok(())
    }
}
