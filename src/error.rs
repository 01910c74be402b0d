//! Errors of the loading pipeline: one [`LoadError`] per bad cell, gathered into [`LoadErrors`] so a
//! run reports every problem at once, and [`Error`] for everything else the library can fail at.

use std::fmt;
use std::path::PathBuf;

/// Where a value sits in the input: file, 1-based line, 1-based column and the column's name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Pos {
    pub file: String,
    pub line: u64,
    pub column: usize,
    pub column_name: String,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)?;
        if !self.column_name.is_empty() {
            write!(f, " (column \"{}\")", self.column_name)?;
        }
        Ok(())
    }
}

/// One problem with the input data: where, which value, what was expected.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LoadError {
    pub at: Pos,
    /// The offending value as read (invalid UTF-8 shown with `\xNN` escapes).
    pub value: String,
    /// What a valid value looks like, in words.
    pub expected: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: found {:?}, expected {}",
            self.at, self.value, self.expected
        )
    }
}

/// Every problem found in one load; nothing is loaded when this is non-empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LoadErrors(pub Vec<LoadError>);

impl LoadErrors {
    pub fn push(&mut self, at: Pos, value: impl Into<String>, expected: impl Into<String>) {
        self.0.push(LoadError {
            at,
            value: value.into(),
            expected: expected.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &LoadError> {
        self.0.iter()
    }
}

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} error{} in the data; nothing was loaded:",
            self.0.len(),
            if self.0.len() == 1 { "" } else { "s" }
        )?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadErrors {}

/// Anything the library can fail at.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Data(#[from] LoadErrors),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("store error: {0}")]
    Storage(#[from] oxigraph::store::StorageError),
    #[error("loading RDF: {0}")]
    RdfLoad(#[from] oxigraph::store::LoaderError),
    #[error("{0}")]
    Limit(#[from] crate::limits::LimitError),
    #[error("SPARQL syntax error: {0}")]
    QuerySyntax(#[from] oxigraph::sparql::SparqlSyntaxError),
    #[error("query evaluation failed: {0}")]
    QueryEvaluation(#[from] oxigraph::sparql::QueryEvaluationError),
    #[error("{0}")]
    Usage(String),
    #[error("writing output: {0}")]
    Output(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
