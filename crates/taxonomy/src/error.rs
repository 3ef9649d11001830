//! Errors of the taxonomy crate. Import errors always say where: the file, the line (or JSON
//! path) and the field, so that whoever prepared the file can fix it.

use std::path::PathBuf;

/// Where in an input file a problem was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    /// 1-based line number (CSV/TSV), when known.
    pub line: Option<u64>,
    /// Column or JSON path, when known.
    pub field: Option<String>,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field '{field}'")?;
        }
        Ok(())
    }
}

/// Why an import failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{location}: {message}")]
    Invalid { location: Location, message: String },
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: required file is missing", path.display())]
    MissingFile { path: PathBuf },
}

impl ImportError {
    /// The error for a file that could not be opened or read.
    pub fn open(path: &std::path::Path, source: std::io::Error) -> Self {
        if source.kind() == std::io::ErrorKind::NotFound {
            ImportError::MissingFile {
                path: path.to_path_buf(),
            }
        } else {
            ImportError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    }

    /// An invalid-content error at a location.
    pub fn invalid(
        file: impl Into<PathBuf>,
        line: Option<u64>,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        ImportError::Invalid {
            location: Location {
                file: file.into(),
                line,
                field: field.map(str::to_string),
            },
            message: message.into(),
        }
    }
}

/// Why the read model could not be built or queried.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    #[error("concept {uri} is defined by both '{first}' and '{second}'")]
    DuplicateConcept {
        uri: String,
        first: String,
        second: String,
    },
}
