//! The gallery of named analyst questions: `queries/*.rq`, each opening with a comment block.
//!
//! ```text
//! # title: Agreements signed
//! # title_zh: 签署的协议
//! # question: Which agreements were signed, by whom, with whom, of which kind?
//! # question_zh: 签署了哪些协议?谁与谁签署?什么类型?
//! # param: party iri Only agreements this place is a party to (optional)
//! # row: one agreement and one of its parties
//! ```
//!
//! A parameter is bound to the variable of the same name as a typed RDF term (never spliced
//! into the text), so it must appear in the query's SELECT clause.

use std::io::Read;
use std::path::Path;

use oxigraph::model::{Literal, NamedNode, Term, Variable};
use spargebra::Query;

use crate::error::{Error, Result};

/// The type of a parameter, which decides the RDF term its value becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    /// An absolute IRI, or an id such as `place/beijing` under amity's id namespace.
    Iri,
    /// A plain string literal.
    String,
    /// An `xsd:integer`.
    Integer,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Param {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ParamType,
    pub description: String,
    /// The value used when the caller gives none: `(default: place/beijing, …)` in the
    /// description. The query must give the same default itself (`OPTIONAL { BIND(place:beijing
    /// AS ?home) }` first in its WHERE group: it cannot join a given home) so that its text run
    /// as it is answers alike, the parameter's column included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

/// One stored question.
#[derive(Clone, Debug, serde::Serialize)]
pub struct StoredQuery {
    /// File stem, e.g. `agreements-signed`.
    pub name: String,
    pub title: String,
    pub title_zh: String,
    pub question: String,
    pub question_zh: String,
    pub params: Vec<Param>,
    /// What one result row means.
    pub row: String,
    #[serde(skip)]
    pub text: String,
}

impl StoredQuery {
    /// Parses the header of a `.rq` file.
    pub fn parse(name: &str, text: &str) -> Result<StoredQuery> {
        let mut q = StoredQuery {
            name: name.to_string(),
            title: String::new(),
            title_zh: String::new(),
            question: String::new(),
            question_zh: String::new(),
            params: Vec::new(),
            row: String::new(),
            text: text.to_string(),
        };
        for (i, line) in text.lines().enumerate() {
            let Some(rest) = line.strip_prefix('#') else {
                if line.trim().is_empty() {
                    continue;
                }
                break;
            };
            let Some((key, value)) = rest.split_once(':') else {
                continue;
            };
            let value = value.trim().to_string();
            match key.trim() {
                "title" => q.title = value,
                "title_zh" => q.title_zh = value,
                "question" => q.question = value,
                "question_zh" => q.question_zh = value,
                "row" => q.row = value,
                "param" => {
                    let mut parts = value.splitn(3, ' ');
                    let (Some(pname), Some(ptype)) = (parts.next(), parts.next()) else {
                        return Err(Error::Usage(format!(
                            "queries/{name}.rq:{}: expected `# param: NAME TYPE DESCRIPTION`",
                            i + 1
                        )));
                    };
                    let kind = match ptype {
                        "iri" => ParamType::Iri,
                        "string" => ParamType::String,
                        "integer" => ParamType::Integer,
                        other => {
                            return Err(Error::Usage(format!(
                                "queries/{name}.rq:{}: parameter type {other:?}, expected iri, string or integer",
                                i + 1
                            )))
                        }
                    };
                    let description = parts.next().unwrap_or("").to_string();
                    let default = description.split_once("(default: ").map(|(_, rest)| {
                        rest.split([',', ')', ' ', ';'])
                            .next()
                            .unwrap_or_default()
                            .to_string()
                    });
                    q.params.push(Param {
                        name: pname.to_string(),
                        kind,
                        description,
                        default: default.filter(|d| !d.is_empty()),
                    });
                }
                _ => {}
            }
        }
        for (field, v) in [
            ("title", &q.title),
            ("title_zh", &q.title_zh),
            ("question", &q.question),
            ("question_zh", &q.question_zh),
            ("row", &q.row),
        ] {
            if v.is_empty() {
                return Err(Error::Usage(format!(
                    "queries/{name}.rq: the header has no `# {field}:` line"
                )));
            }
        }
        Ok(q)
    }

    /// Turns `(name, value)` pairs into typed bindings; rejects unknown names and bad values.
    pub fn bind(&self, values: &[(String, String)]) -> Result<Vec<(Variable, Term)>> {
        let mut out = Vec::new();
        // Parameters not given take their default.
        let defaults: Vec<(String, String)> = self
            .params
            .iter()
            .filter(|p| !values.iter().any(|(n, _)| n == &p.name))
            .filter_map(|p| p.default.clone().map(|d| (p.name.clone(), d)))
            .collect();
        for (name, value) in values.iter().chain(&defaults) {
            let Some(p) = self.params.iter().find(|p| &p.name == name) else {
                let known: Vec<_> = self.params.iter().map(|p| p.name.as_str()).collect();
                return Err(Error::Usage(format!(
                    "query {} has no parameter {name:?} (parameters: {})",
                    self.name,
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )));
            };
            let term: Term = match p.kind {
                ParamType::Iri => {
                    let iri = if value.contains(':') {
                        value.clone()
                    } else {
                        format!("{}{value}", crate::vocab::ID_NS)
                    };
                    NamedNode::new(iri)
                        .map_err(|e| {
                            Error::Usage(format!("parameter {name}: {value:?} is not an IRI: {e}"))
                        })?
                        .into()
                }
                ParamType::String => Literal::new_simple_literal(value).into(),
                ParamType::Integer => {
                    let n: i64 = value.parse().map_err(|_| {
                        Error::Usage(format!("parameter {name}: {value:?} is not an integer"))
                    })?;
                    Literal::from(n).into()
                }
            };
            out.push((Variable::new_unchecked(name.clone()), term));
        }
        Ok(out)
    }
}

/// The query text with `bindings` written into it, for an engine that takes only text (a
/// remote SPARQL endpoint): one `VALUES` row at the start of the outermost WHERE group. A
/// gallery query uses a parameter only as an input (never as a `BIND` target, but in the
/// default's `OPTIONAL { BIND(… AS ?home) }`, which a given value does not join; nor inside a
/// subquery alone), so this gives the rows the embedded engine's substitution gives
/// (tests/gallery.rs checks it query by query).
pub fn bind_text(text: &str, bindings: &[(Variable, Term)]) -> Result<String> {
    if bindings.is_empty() {
        return Ok(text.to_string());
    }
    let at = where_group_start(text).ok_or_else(|| {
        Error::Usage("the query has no WHERE group to bind its parameters in".into())
    })?;
    let vars: Vec<String> = bindings.iter().map(|(v, _)| v.to_string()).collect();
    let terms: Vec<String> = bindings.iter().map(|(_, t)| t.to_string()).collect();
    let values = format!(" VALUES ({}) {{ ({}) }} ", vars.join(" "), terms.join(" "));
    Ok(format!("{}{values}{}", &text[..at], &text[at..]))
}

/// The byte just after the `{` that opens the outermost WHERE group: the first `{` after a
/// top-level `WHERE`, or the first top-level `{` when the query has no WHERE keyword (a
/// SELECT, ASK or DESCRIBE may leave it out). Comments, strings and IRIs are skipped.
fn where_group_start(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let (mut i, mut depth) = (0usize, 0usize);
    let mut after_where = false;
    let mut first_open = None;
    let mut saw_construct = false;
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            q @ (b'"' | b'\'') => {
                let long = b[i..].starts_with(&[q, q, q]);
                i += if long { 3 } else { 1 };
                while i < b.len() {
                    if b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i] == q && (!long || b[i..].starts_with(&[q, q, q])) {
                        i += if long { 3 } else { 1 };
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            b'<' => {
                // An IRI runs to `>` with no space; otherwise `<` is an operator.
                let end = b[i + 1..]
                    .iter()
                    .position(|&c| c == b'>' || c.is_ascii_whitespace() || c == b'<');
                if let Some(n) = end {
                    if b[i + 1 + n] == b'>' {
                        i += n + 2;
                        continue;
                    }
                }
            }
            b'{' => {
                if depth == 0 {
                    if after_where {
                        return Some(i + 1);
                    }
                    first_open.get_or_insert(i + 1);
                }
                depth += 1;
            }
            b'}' => depth = depth.saturating_sub(1),
            c if depth == 0 && c.is_ascii_alphabetic() => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let word = &text[start..i];
                let boundary = start == 0 || !matches!(b[start - 1], b'?' | b'$' | b':');
                if boundary && word.eq_ignore_ascii_case("WHERE") {
                    after_where = true;
                }
                if boundary && word.eq_ignore_ascii_case("CONSTRUCT") {
                    saw_construct = true;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    // Without WHERE, the first group is the pattern, except a CONSTRUCT's, which is its template.
    if saw_construct {
        None
    } else {
        first_open
    }
}

/// Reads every `*.rq` in `dir`, sorted by name.
pub fn load(dir: &Path) -> Result<Vec<StoredQuery>> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| Error::Io {
                path: dir.to_path_buf(),
                source,
            })?
            .path();
        if path.extension().and_then(|e| e.to_str()) != Some("rq") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        out.push(StoredQuery::parse(&name, &text)?);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// One stored query with its parsed text.
pub struct Entry {
    pub meta: StoredQuery,
    pub query: Query,
}

/// The gallery as served: read and parsed once (at start and on reload), shared by every
/// route that names a stored query.
#[derive(Default)]
pub struct Gallery {
    pub entries: Vec<Entry>,
}

impl Gallery {
    /// Reads `dir/*.rq`; a file that does not parse is logged and left out.
    pub fn load(dir: &Path) -> Gallery {
        let Ok(read) = std::fs::read_dir(dir) else {
            tracing::warn!("no gallery: cannot read {}", dir.display());
            return Gallery::default();
        };
        let mut paths: Vec<_> = read
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("rq"))
            .collect();
        paths.sort();
        let mut entries = Vec::new();
        for path in paths {
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let parsed = std::fs::read_to_string(&path)
                .map_err(|e| e.to_string())
                .and_then(|text| {
                    let meta = StoredQuery::parse(&name, &text).map_err(|e| e.to_string())?;
                    let query = crate::query::parse(&text, None).map_err(|e| e.to_string())?;
                    Ok(Entry { meta, query })
                });
            match parsed {
                Ok(entry) => entries.push(entry),
                Err(e) => tracing::error!("gallery: skipping {}: {e}", path.display()),
            }
        }
        Gallery { entries }
    }

    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.meta.name == name)
    }
}

/// Finds the text of a query named on the command line (`amity query ARG`): `-` reads
/// standard input; a path to a file reads it (a gallery header in it is kept if it parses); a
/// word naming `queries_dir/ARG.rq` is that gallery query; anything else is the query text.
/// The gallery query comes back with the text when there is one (for `--param`).
pub fn resolve(arg: &str, queries_dir: &Path) -> Result<(String, Option<StoredQuery>)> {
    resolve_from(arg, queries_dir, &mut std::io::stdin())
}

/// [`resolve`], reading `-` from `stdin`.
pub fn resolve_from(
    arg: &str,
    queries_dir: &Path,
    stdin: &mut dyn Read,
) -> Result<(String, Option<StoredQuery>)> {
    if arg == "-" {
        let mut s = String::new();
        stdin.read_to_string(&mut s)?;
        return Ok((s, None));
    }
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let path = Path::new(arg);
    if path.is_file() {
        let text = read(path)?;
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("query");
        let stored = StoredQuery::parse(name, &text).ok();
        return Ok((text, stored));
    }
    let gallery_file = queries_dir.join(format!("{arg}.rq"));
    if !arg.contains(char::is_whitespace) && gallery_file.is_file() {
        let text = read(&gallery_file)?;
        let stored = StoredQuery::parse(arg, &text)?;
        return Ok((text, Some(stored)));
    }
    Ok((arg.to_string(), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "# title: All\n# title_zh: 全部\n# question: Everything?\n\
                          # question_zh: 一切?\n# row: one triple\n";

    #[test]
    fn resolve_reads_stdin_a_file_a_gallery_name_or_takes_the_text() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let q = format!("{HEADER}SELECT * WHERE {{ ?s ?p ?o }}\n");
        std::fs::write(dir.join("all.rq"), &q).unwrap();
        let none = |arg: &str| resolve_from(arg, &dir, &mut std::io::empty()).unwrap();

        let (text, stored) = resolve_from("-", &dir, &mut "ASK {}".as_bytes()).unwrap();
        assert_eq!((text.as_str(), stored.is_none()), ("ASK {}", true));

        let file = dir.join("all.rq");
        let (text, stored) = none(file.to_str().unwrap());
        assert_eq!(text, q);
        assert_eq!(stored.unwrap().name, "all");

        let (text, stored) = none("all");
        assert_eq!(text, q);
        assert_eq!(stored.unwrap().title, "All");

        // Text with spaces is never a gallery name, and an unknown word is query text.
        for arg in ["all ", "SELECT * WHERE { ?s ?p ?o }", "nosuchquery"] {
            let (text, stored) = none(arg);
            assert_eq!((text.as_str(), stored.is_none()), (arg, true));
        }
    }
}
