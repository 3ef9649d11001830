//! Reading delimited tables (ESCO CSV, O*NET tab-separated text) by column name, with the file
//! and line of every row at hand for error messages.

use crate::error::ImportError;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Byte offsets of every line feed read so far.
type Newlines = Rc<RefCell<Vec<u64>>>;

/// Passes bytes through while recording where the line feeds are, so that line numbers stay
/// exact even where the CSV parser skips blank lines.
struct LineTracker {
    inner: Box<dyn Read>,
    offset: u64,
    newlines: Newlines,
}

impl Read for LineTracker {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut newlines = self.newlines.borrow_mut();
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' {
                newlines.push(self.offset + i as u64);
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// A delimited file opened for reading row by row.
pub struct Table {
    path: PathBuf,
    reader: csv::Reader<Box<dyn Read>>,
    columns: HashMap<String, usize>,
    record: csv::StringRecord,
    newlines: Newlines,
}

/// The current row of a [`Table`].
pub struct Row<'a> {
    table: &'a Table,
    line: u64,
}

impl Table {
    /// Opens `path` as a table with `delimiter`. When `header_starts_with` is given, lines
    /// before the first row whose first cell equals it are skipped (files that begin with a
    /// metadata block).
    pub fn open(
        path: &Path,
        delimiter: u8,
        header_starts_with: Option<&str>,
    ) -> Result<Table, ImportError> {
        let file = File::open(path).map_err(|source| ImportError::open(path, source))?;
        Self::from_reader(
            path,
            Box::new(BufReader::with_capacity(1 << 20, file)),
            delimiter,
            header_starts_with,
        )
    }

    /// Like [`Table::open`], over any reader; `path` is used in messages only.
    pub fn from_reader(
        path: &Path,
        input: Box<dyn Read>,
        delimiter: u8,
        header_starts_with: Option<&str>,
    ) -> Result<Table, ImportError> {
        let newlines: Newlines = Rc::default();
        let input: Box<dyn Read> = Box::new(LineTracker {
            inner: input,
            offset: 0,
            newlines: Rc::clone(&newlines),
        });
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            // O*NET text files are tab-separated without quoting.
            .quoting(delimiter != b'\t')
            .from_reader(input);
        let mut record = csv::StringRecord::new();
        let mut table = Table {
            path: path.to_path_buf(),
            reader: csv::ReaderBuilder::new().from_reader(Box::new(std::io::empty())),
            columns: HashMap::new(),
            record: csv::StringRecord::new(),
            newlines,
        };
        loop {
            let more = reader
                .read_record(&mut record)
                .map_err(|e| table.csv_error(e))?;
            if !more {
                return Err(ImportError::invalid(
                    path,
                    None,
                    None,
                    match header_starts_with {
                        Some(h) => format!("no header row starting with '{h}'"),
                        None => "the file is empty (no header row)".to_string(),
                    },
                ));
            }
            let first = record.get(0).map(strip_bom).unwrap_or_default();
            if header_starts_with.is_none_or(|h| first == h) {
                break;
            }
        }
        table.columns = record
            .iter()
            .enumerate()
            .map(|(i, name)| (strip_bom(name).trim().to_string(), i))
            .collect();
        table.reader = reader;
        Ok(table)
    }

    /// The file this table reads.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Fails unless every named column is present in the header.
    pub fn require_columns(&self, names: &[&str]) -> Result<(), ImportError> {
        for name in names {
            if !self.columns.contains_key(*name) {
                return Err(ImportError::invalid(
                    &self.path,
                    Some(1),
                    Some(name),
                    "required column is missing from the header",
                ));
            }
        }
        Ok(())
    }

    /// True when the header has the named column.
    pub fn has_column(&self, name: &str) -> bool {
        self.columns.contains_key(name)
    }

    /// Advances to the next row; `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>, ImportError> {
        loop {
            let more = self
                .reader
                .read_record(&mut self.record)
                .map_err(|e| csv_error_at(&self.path, e))?;
            if !more {
                return Ok(None);
            }
            // Skip blank lines.
            if self.record.iter().all(|cell| cell.trim().is_empty()) {
                continue;
            }
            let byte = self.record.position().map_or(0, |p| p.byte());
            let newlines = self.newlines.borrow();
            let mut before = newlines.partition_point(|&nl| nl < byte);
            // The parser reports the start of skipped blank lines as the record's start.
            let mut at = byte;
            while newlines.get(before) == Some(&at) {
                before += 1;
                at += 1;
            }
            drop(newlines);
            let line = 1 + before as u64;
            return Ok(Some(Row { table: self, line }));
        }
    }

    fn csv_error(&self, error: csv::Error) -> ImportError {
        csv_error_at(&self.path, error)
    }
}

fn csv_error_at(path: &Path, error: csv::Error) -> ImportError {
    let line = error.position().map(|p| p.line());
    let message = match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "invalid UTF-8".to_string(),
        _ => error.to_string(),
    };
    ImportError::invalid(path, line, None, message)
}

fn strip_bom(s: &str) -> &str {
    s.strip_prefix('\u{feff}').unwrap_or(s)
}

impl Row<'_> {
    /// The 1-based line number where this row starts.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The trimmed value of a column, empty when the column or cell is absent.
    pub fn get(&self, column: &str) -> &str {
        self.table
            .columns
            .get(column)
            .and_then(|&i| self.table.record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    /// The value of a column that must not be empty.
    pub fn required(&self, column: &str) -> Result<&str, ImportError> {
        let value = self.get(column);
        if value.is_empty() {
            Err(self.error(column, "value is empty"))
        } else {
            Ok(value)
        }
    }

    /// The value of a column parsed as a number, `None` when empty.
    pub fn number(&self, column: &str) -> Result<Option<f64>, ImportError> {
        let value = self.get(column);
        if value.is_empty() {
            return Ok(None);
        }
        value
            .parse::<f64>()
            .map(Some)
            .map_err(|_| self.error(column, format!("'{value}' is not a number")))
    }

    /// An error about a field of this row.
    pub fn error(&self, column: &str, message: impl Into<String>) -> ImportError {
        ImportError::invalid(&self.table.path, Some(self.line), Some(column), message)
    }
}

/// Splits a multi-valued cell (ESCO puts one value per line inside a quoted cell).
pub fn split_multi(cell: &str) -> impl Iterator<Item = &str> {
    cell.split('\n').map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &'static str, header: Option<&str>) -> Result<Table, ImportError> {
        Table::from_reader(Path::new("t.csv"), Box::new(text.as_bytes()), b',', header)
    }

    #[test]
    fn reads_rows_by_column_name_with_line_numbers() -> Result<(), ImportError> {
        let mut t = table("a,b\n1,\"x\ny\"\n\n3,z\n", None)?;
        let row = t.next_row()?.expect("row");
        assert_eq!((row.get("a"), row.get("b"), row.line()), ("1", "x\ny", 2));
        let row = t.next_row()?.expect("row");
        assert_eq!((row.get("a"), row.line()), ("3", 5));
        assert!(t.next_row()?.is_none());
        Ok(())
    }

    #[test]
    fn skips_metadata_before_the_header() -> Result<(), ImportError> {
        let mut t = table("\u{feff}Name,x\n,,\nId,Title\n7,seven\n", Some("Id"))?;
        let row = t.next_row()?.expect("row");
        assert_eq!(row.get("Title"), "seven");
        Ok(())
    }

    #[test]
    fn errors_name_file_line_and_field() -> Result<(), ImportError> {
        let mut t = table("a,b\n1,2\n,4\n", None)?;
        t.next_row()?;
        let row = t.next_row()?.expect("row");
        let err = row.required("a").unwrap_err().to_string();
        assert_eq!(err, "t.csv, line 3, field 'a': value is empty");
        let missing = t.require_columns(&["zzz"]).unwrap_err().to_string();
        assert!(missing.contains("'zzz'"), "{missing}");
        Ok(())
    }

    #[test]
    fn splits_multi_valued_cells() {
        let v: Vec<&str> = split_multi("a\nb | c\r\n\n").collect();
        assert_eq!(v, ["a", "b | c"]);
    }
}
