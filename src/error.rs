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
    /// A query's syntax error as one sentence with its position (`query::syntax`).
    #[error("{0}")]
    Syntax(String),
    #[error("query evaluation failed: {0}")]
    QueryEvaluation(#[from] oxigraph::sparql::QueryEvaluationError),
    #[error("{0}")]
    Usage(String),
    /// An evaluation the engine stopped or refused (deadline, memory, limits).
    #[error("{0}")]
    Eval(#[from] EvalError),
    /// What was asked about is not in the graph (a place id, a QID).
    #[error("{0}")]
    NotFound(String),
    #[error("writing output: {0}")]
    Output(#[from] std::io::Error),
    /// A remote SPARQL store refused or could not be reached (`push`, `--endpoint`).
    #[error("{0}")]
    Remote(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why an evaluation gave no answer (see `crate::engine`). The HTTP layer maps each to a
/// status.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalError {
    /// The request is malformed or refused (syntax, limits, SERVICE, parameters): 400.
    Invalid(String),
    /// The thing asked about is not in the graph: 404.
    NotFound(String),
    /// Every slot stayed busy for the whole queue wait: 503 with `Retry-After`.
    Busy { retry_after: std::time::Duration },
    /// The evaluation passed its deadline and was stopped: 503.
    Deadline(std::time::Duration),
    /// The evaluation held more working memory than its budget (bytes) and was stopped: 503.
    OverMemory(u64),
    /// An allowlisted SERVICE could not be answered: 502.
    Service(String),
    /// A bug or a storage failure: 500 (the detail is logged, not sent).
    Internal(String),
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::Invalid(m)
            | EvalError::NotFound(m)
            | EvalError::Service(m)
            | EvalError::Internal(m) => f.write_str(m),
            EvalError::Busy { retry_after } => write!(
                f,
                "every evaluation slot is busy; retry in {} s",
                retry_after.as_secs().max(1)
            ),
            EvalError::Deadline(d) => write!(
                f,
                "the query ran past its {} s deadline and was stopped; make it more selective \
                 (LIMIT, fewer unbound patterns, no cross products)",
                d.as_secs_f64()
            ),
            EvalError::OverMemory(budget) => write!(
                f,
                "the query needed more than {} MiB of working memory and was stopped; make it \
                 more selective (LIMIT, fewer unbound patterns, no cross products)",
                budget / (1024 * 1024)
            ),
        }
    }
}

impl std::error::Error for EvalError {}

impl From<oxigraph::sparql::QueryEvaluationError> for EvalError {
    fn from(e: oxigraph::sparql::QueryEvaluationError) -> Self {
        use oxigraph::sparql::QueryEvaluationError;
        match e {
            // The job maps this to its deadline; reaching here means the token was cancelled
            // for another reason (the caller went away).
            QueryEvaluationError::Cancelled => EvalError::Deadline(std::time::Duration::ZERO),
            QueryEvaluationError::Service(e) => {
                EvalError::Service(format!("a SERVICE call could not be answered: {e}"))
            }
            QueryEvaluationError::Dataset(e) => EvalError::Internal(format!("storage: {e}")),
            QueryEvaluationError::Unexpected(e) => EvalError::Internal(format!("evaluation: {e}")),
            QueryEvaluationError::NotExistingSubstitutedVariable(v) => {
                EvalError::Internal(format!("a stored query binds {v} but does not select it"))
            }
            other => EvalError::Invalid(format!("the query cannot be evaluated: {other}")),
        }
    }
}

impl From<Error> for EvalError {
    fn from(e: Error) -> Self {
        match e {
            Error::QuerySyntax(e) => EvalError::Invalid(format!("SPARQL syntax error: {e}")),
            Error::Syntax(m) => EvalError::Invalid(m),
            Error::NotFound(m) => EvalError::NotFound(m),
            Error::Eval(e) => e,
            Error::Usage(m) => EvalError::Invalid(m),
            Error::Limit(e) => EvalError::Invalid(e.to_string()),
            Error::QueryEvaluation(e) => e.into(),
            other => EvalError::Internal(other.to_string()),
        }
    }
}
