//! The text index of the store being served ([`crate::search`]), and the SPARQL pattern that
//! reads it.
//!
//! The index is collected from the store by SPARQL (labels and alternative labels in every
//! language, titles, quotes, passage texts, types, part-of links) and kept per store version
//! ([`TextIndexes`]): a reload or a write makes a new version, so a search never reads an index
//! older than the store it is answered beside. With an on-disk store, the index of a
//! generation that has not been written since its load is kept next to it
//! (`DIR/gen-NNNNNN.search.json`) and read back at the next start.
//!
//! In SPARQL the index is the service `am:search` (answered here, never a remote call):
//!
//! ```sparql
//! SERVICE am:search { ?place am:query "明斯克" ; am:limit 5 ; am:kind "Place" ;
//!                     am:score ?score ; am:matched ?text }
//! ```
//!
//! `am:query` (a literal) is required; `am:limit` (at most the row cap; default 10),
//! `am:lang` and `am:kind` narrow it; `am:score` and `am:matched` bind the score (`xsd:double`)
//! and the literal that matched. The subject variable is bound to each matching resource,
//! best first, and the rest of the query joins with it.

use std::sync::{Arc, Mutex, OnceLock};

use oxigraph::model::{Literal, NamedNode, Term, Variable};
use oxigraph::sparql::{QueryResults, QuerySolutionIter, ServiceHandler};
use oxigraph::store::Store;
use spargebra::algebra::GraphPattern;
use spargebra::term::{NamedNodePattern, TermPattern};

use crate::search::{Field, Index, Literal as Lit, Request};
use crate::store::AmityStore;
use crate::vocab::{self, am};

/// The IRI of the built-in search service.
pub fn service_iri() -> NamedNode {
    NamedNode::new_unchecked(am::SEARCH.as_str())
}

type Cell = Arc<OnceLock<Result<Arc<Index>, String>>>;

/// The index per store version (the latest only).
#[derive(Default)]
pub struct TextIndexes {
    cell: Mutex<Option<(u64, Cell)>>,
}

impl TextIndexes {
    /// The index of `amity`'s live store, built once per version (concurrent callers wait).
    pub fn get(&self, amity: &AmityStore) -> Result<Arc<Index>, String> {
        let version = amity.version();
        let cell = {
            let mut slot = self.cell.lock().expect("text index lock");
            match &*slot {
                Some((v, c)) if *v == version => c.clone(),
                _ => {
                    let c: Cell = Arc::new(OnceLock::new());
                    *slot = Some((version, c.clone()));
                    c
                }
            }
        };
        let got = cell
            .get_or_init(|| {
                let store = amity.store();
                let started = std::time::Instant::now();
                let index = load_kept(amity).map_or_else(|| build(&store), Ok)?;
                tracing::info!(
                    documents = index.len(),
                    subjects = index.subject_count(),
                    ms = started.elapsed().as_millis() as u64,
                    "text index ready"
                );
                // Built from a store that changed meanwhile: answer with it, keep it not.
                if amity.version() != version {
                    self.cell.lock().expect("text index lock").take();
                } else {
                    keep(amity, &index);
                }
                Ok(Arc::new(index))
            })
            .clone();
        if got.is_err() {
            self.cell.lock().expect("text index lock").take();
        }
        got
    }
}

fn rows(store: &Store, text: &str) -> Result<Vec<Vec<Option<Term>>>, String> {
    let query = crate::query::parse(&format!("{}{text}", vocab::SPARQL_PREFIXES), None)
        .map_err(|e| e.to_string())?;
    let QueryResults::Solutions(solutions) =
        super::evaluate(store, query, &Default::default()).map_err(|e| e.to_string())?
    else {
        return Err("expected solutions".into());
    };
    let vars = solutions.variables().to_vec();
    let mut out = Vec::new();
    for s in solutions {
        let s = s.map_err(|e| e.to_string())?;
        out.push(vars.iter().map(|v| s.get(v).cloned()).collect());
    }
    Ok(out)
}

fn iri(t: &Option<Term>) -> Option<String> {
    match t {
        Some(Term::NamedNode(n)) => Some(n.as_str().to_string()),
        _ => None,
    }
}

/// Collects the literals, types and part-of links of `store` and indexes them.
pub fn build(store: &Store) -> Result<Index, String> {
    let mut literals = Vec::new();
    let fields = [
        ("rdfs:label", Field::Label),
        ("skos:altLabel", Field::AltLabel),
        ("dcterms:title", Field::Title),
        ("am:quote", Field::Quote),
    ];
    for (predicate, field) in fields {
        for r in rows(
            store,
            &format!("SELECT DISTINCT ?s ?o WHERE {{ ?s {predicate} ?o FILTER(isLiteral(?o)) }}"),
        )? {
            if let (Some(s), Some(Term::Literal(l))) = (iri(&r[0]), &r[1]) {
                literals.push(Lit {
                    subject: s,
                    field,
                    lang: l.language().unwrap_or("").to_string(),
                    text: l.value().to_string(),
                });
            }
        }
    }
    // Passage texts only: a report's am:text is the whole report.
    for r in rows(
        store,
        "SELECT DISTINCT ?s ?o WHERE { ?s a am:Passage ; am:text ?o }",
    )? {
        if let (Some(s), Some(Term::Literal(l))) = (iri(&r[0]), &r[1]) {
            literals.push(Lit {
                subject: s,
                field: Field::Text,
                lang: l.language().unwrap_or("").to_string(),
                text: l.value().to_string(),
            });
        }
    }
    let mut kinds = Vec::new();
    for r in rows(
        store,
        &format!(
            "SELECT DISTINCT ?s ?t WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?t), \"{}\")) }}",
            vocab::AM_NS
        ),
    )? {
        if let (Some(s), Some(t)) = (iri(&r[0]), iri(&r[1])) {
            kinds.push((s, t[vocab::AM_NS.len()..].to_string()));
        }
    }
    // One kind a subject: the first of these it has (a city is a Place, not a City), else its
    // alphabetically first type.
    const KINDS: [&str; 15] = [
        "Place",
        "Event",
        "Agreement",
        "FriendshipTie",
        "Passage",
        "Report",
        "Organisation",
        "Department",
        "Person",
        "Task",
        "Project",
        "Document",
        "WikidataPlace",
        "WikidataTwinPair",
        "Network",
    ];
    let rank = |k: &str| KINDS.iter().position(|x| *x == k).unwrap_or(KINDS.len());
    kinds.sort_by(|a, b| (&a.0, rank(&a.1), &a.1).cmp(&(&b.0, rank(&b.1), &b.1)));
    kinds.dedup_by(|a, b| a.0 == b.0);
    let mut part_of = Vec::new();
    for r in rows(store, "SELECT DISTINCT ?p ?w WHERE { ?p am:partOf ?w }")? {
        if let (Some(p), Some(w)) = (iri(&r[0]), iri(&r[1])) {
            part_of.push((p, w));
        }
    }
    let mut same = Vec::new();
    for r in rows(store, "SELECT DISTINCT ?p ?q WHERE { ?p am:wikidata ?q }")? {
        if let (Some(p), Some(q)) = (iri(&r[0]), iri(&r[1])) {
            same.push((p, q));
        }
    }
    Ok(Index::build(literals, kinds, part_of).with_twins(same))
}

/// Where the index of the live on-disk generation is kept, while that generation is as
/// loaded (a written store's index lives in memory only).
fn kept_path(amity: &AmityStore) -> Option<std::path::PathBuf> {
    if amity.stale_since().is_some() {
        return None;
    }
    let generation = amity.generation_dir()?;
    let name = generation.file_name()?.to_str()?.to_string();
    Some(generation.with_file_name(format!("{name}.search.json")))
}

fn load_kept(amity: &AmityStore) -> Option<Index> {
    let path = kept_path(amity)?;
    let bytes = std::fs::read(&path).ok()?;
    match serde_json::from_slice(&bytes) {
        Ok(index) => Some(index),
        Err(e) => {
            tracing::warn!("ignoring the kept text index {}: {e}", path.display());
            None
        }
    }
}

fn keep(amity: &AmityStore, index: &Index) {
    let Some(path) = kept_path(amity) else { return };
    if path.exists() {
        return;
    }
    let tmp = path.with_extension("json.tmp");
    let written = serde_json::to_vec(index)
        .map_err(std::io::Error::other)
        .and_then(|bytes| std::fs::write(&tmp, bytes))
        .and_then(|()| std::fs::rename(&tmp, &path));
    if let Err(e) = written {
        tracing::warn!("could not keep the text index at {}: {e}", path.display());
    }
}

/// Answers `SERVICE am:search { … }` from the index of the job's store.
pub(super) struct SearchService {
    pub indexes: Arc<TextIndexes>,
    pub amity: Arc<AmityStore>,
    pub max_rows: usize,
}

/// How every error of a search call starts (the engine reports those as the caller's).
pub(super) const ERROR_PREFIX: &str = "SERVICE am:search: ";

/// Why a search pattern cannot be answered.
#[derive(Debug, thiserror::Error)]
#[error("{ERROR_PREFIX}{0}")]
pub(super) struct SearchError(String);

impl ServiceHandler for SearchService {
    type Error = SearchError;

    fn handle(
        &self,
        pattern: &GraphPattern,
        _base_iri: Option<&oxiri::Iri<String>>,
    ) -> Result<QuerySolutionIter<'static>, SearchError> {
        let call = Call::read(pattern, self.max_rows)?;
        let index = self.indexes.get(&self.amity).map_err(SearchError)?;
        let hits = index.search(&call.request);
        let mut vars = vec![call.subject.clone()];
        vars.extend(call.score.clone());
        vars.extend(call.matched.clone());
        let rows: Vec<_> = hits
            .into_iter()
            .map(|h| {
                let mut row = vec![Some(Term::from(NamedNode::new_unchecked(h.iri)))];
                if call.score.is_some() {
                    row.push(Some(Literal::from(h.score as f64).into()));
                }
                if call.matched.is_some() {
                    row.push(Some(
                        if h.lang.is_empty() {
                            Literal::new_simple_literal(h.snippet)
                        } else {
                            Literal::new_language_tagged_literal_unchecked(h.snippet, h.lang)
                        }
                        .into(),
                    ));
                }
                Ok(row)
            })
            .collect();
        Ok(QuerySolutionIter::from_tuples(vars.into(), rows))
    }
}

/// A search pattern, read.
struct Call {
    subject: Variable,
    score: Option<Variable>,
    matched: Option<Variable>,
    request: Request,
}

impl Call {
    fn read(pattern: &GraphPattern, max_rows: usize) -> Result<Call, SearchError> {
        let err = |m: &str| SearchError(m.to_string());
        let GraphPattern::Bgp { patterns } = pattern else {
            return Err(err(
                "write the call as triple patterns only: { ?s am:query \"text\" ; am:limit 10 ; \
                 am:score ?score ; am:matched ?literal }",
            ));
        };
        let mut subject: Option<Variable> = None;
        let mut request = Request {
            limit: 10.min(max_rows),
            ..Default::default()
        };
        let (mut query, mut score, mut matched) = (None, None, None);
        let mut seen = std::collections::HashSet::new();
        for t in patterns {
            let TermPattern::Variable(s) = &t.subject else {
                return Err(err("the subject of every triple must be one variable"));
            };
            if subject.get_or_insert_with(|| s.clone()) != s {
                return Err(err("every triple must have the same subject variable"));
            }
            let NamedNodePattern::NamedNode(p) = &t.predicate else {
                return Err(err("predicates must be am:query, am:limit, am:lang, am:kind, am:score or am:matched"));
            };
            let literal = |what: &str| match &t.object {
                TermPattern::Literal(l) => Ok(l.value().to_string()),
                _ => Err(SearchError(format!("{what} takes a literal"))),
            };
            let variable = |what: &str| match &t.object {
                TermPattern::Variable(v) => Ok(v.clone()),
                _ => Err(SearchError(format!("{what} takes a variable"))),
            };
            // Each parameter once: a second am:score would silently leave the first unbound.
            let name = p.as_str();
            if !seen.insert(name.to_string()) {
                return Err(SearchError(format!(
                    "<{name}> is given twice; give it once"
                )));
            }
            match name {
                x if x == am::QUERY.as_str() => query = Some(literal("am:query")?),
                x if x == am::LIMIT.as_str() => {
                    let n: usize = literal("am:limit")?
                        .parse()
                        .map_err(|_| err("am:limit takes a whole number"))?;
                    request.limit = n.min(max_rows);
                }
                x if x == am::LANG.as_str() => request.lang = Some(literal("am:lang")?),
                x if x == am::KIND.as_str() => request.kind = Some(literal("am:kind")?),
                x if x == am::SCORE.as_str() => score = Some(variable("am:score")?),
                x if x == am::MATCHED.as_str() => matched = Some(variable("am:matched")?),
                other => {
                    return Err(SearchError(format!(
                        "<{other}> is not a search parameter; use am:query, am:limit, am:lang, \
                         am:kind, am:score or am:matched"
                    )))
                }
            }
        }
        let subject = subject.ok_or_else(|| err("no triple patterns"))?;
        request.text = query.ok_or_else(|| err("am:query \"text\" is required"))?;
        if request.text.chars().count() > crate::search::MAX_QUERY_CHARS {
            return Err(SearchError(format!(
                "am:query is longer than {} characters",
                crate::search::MAX_QUERY_CHARS
            )));
        }
        Ok(Call {
            subject,
            score,
            matched,
            request,
        })
    }
}
