//! Text search over the graph's literals: labels and alternative labels in every language,
//! titles, quotes and passage texts, in Chinese and English.
//!
//! The index is an in-memory inverted index of tokens. Latin-script text is lower-cased and
//! split into words (no stemming); Chinese is segmented by jieba (search mode, dictionary
//! embedded) and, so that a query segmented differently still meets its text, also indexed
//! as character bigrams. A query matches documents (one literal each) by BM25 over its
//! tokens, the last one also as a prefix (as-you-type); a document's score is raised by its
//! field (a label over a passage) and by holding the whole query (equal, or as a substring).
//! A subject scores as its best document. A place found also brings its parts
//! (`am:partOf`), ranked below it.
//!
//! This module knows no store and no HTTP: [`Index::build`] takes rows (the engine collects
//! them by SPARQL from the store it serves, `engine::text`), [`Index::search`] answers.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// Which literal of a subject a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Label,
    AltLabel,
    Title,
    Quote,
    Text,
}

impl Field {
    fn boost(self) -> f32 {
        match self {
            Field::Label => 3.0,
            Field::AltLabel => 2.5,
            Field::Title => 2.0,
            Field::Quote => 1.3,
            Field::Text => 1.0,
        }
    }
}

/// One literal to index.
#[derive(Clone, Debug)]
pub struct Literal {
    pub subject: String,
    pub field: Field,
    /// Language tag, empty when none.
    pub lang: String,
    pub text: String,
}

/// What a subject is and what it is called, for answers.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct SubjectInfo {
    pub iri: String,
    /// The local name of its type in amity's namespace (`Place`, `Event`, `Passage`…), or
    /// `Resource`.
    pub kind: String,
    pub label_en: Option<String>,
    pub label_zh: Option<String>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct Doc {
    subject: u32,
    field: Field,
    lang: String,
    text: String,
    /// Normalised text (lower case, half-width), for whole-query matches.
    norm: String,
    len: u32,
}

/// The index. Built once per store version; read by any number of threads.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Index {
    subjects: Vec<SubjectInfo>,
    docs: Vec<Doc>,
    /// Token → `(doc, term frequency)`, docs ascending.
    postings: BTreeMap<String, Vec<(u32, u16)>>,
    /// Subject → its parts (`?part am:partOf ?subject`).
    parts: HashMap<u32, Vec<u32>>,
    /// A Wikidata entity → the report place that names it (`am:wikidata`): the same city,
    /// answered once, as the report's place.
    #[serde(default)]
    twin_of: HashMap<u32, u32>,
    /// Each subject's label document (else its first document), for parts brought in.
    #[serde(default)]
    label_docs: Vec<Option<u32>>,
    avg_len: f32,
}

/// One answer.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Hit {
    pub iri: String,
    pub kind: String,
    /// The label in the language asked for (or the query's script), else any.
    pub label: String,
    pub label_en: Option<String>,
    pub label_zh: Option<String>,
    pub score: f32,
    /// The matched literal, cut to a window around the first match when long.
    pub snippet: String,
    /// Matched spans of `snippet`, as `[start, end)` character offsets.
    pub marks: Vec<(usize, usize)>,
    /// Which literal matched.
    pub field: Field,
    /// Its language tag (empty when none).
    pub lang: String,
    /// For a part brought in by a place found: that place's IRI.
    pub part_of: Option<String>,
}

/// What to look for.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub text: String,
    /// Only documents in this language (`zh`, `en`; untagged ones always pass).
    pub lang: Option<String>,
    /// Only subjects of this kind (case-insensitive local name, e.g. `place`).
    pub kind: Option<String>,
    pub limit: usize,
}

/// Longest query read, in characters; the rest is ignored (the HTTP layer refuses longer).
pub const MAX_QUERY_CHARS: usize = 256;

fn jieba() -> &'static jieba_rs::Jieba {
    static JIEBA: OnceLock<jieba_rs::Jieba> = OnceLock::new();
    JIEBA.get_or_init(jieba_rs::Jieba::new)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Lower case, full-width ASCII to half-width.
pub fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The tokens of `text`: words of Latin script (and digits), and for runs of Chinese the jieba
/// search-mode words plus the character bigrams (a lone character is its own token).
pub fn tokens(text: &str) -> Vec<String> {
    let norm = normalise(text);
    let mut out = Vec::new();
    let mut word = String::new();
    let mut han = String::new();
    let flush_han = |han: &mut String, out: &mut Vec<String>| {
        if han.is_empty() {
            return;
        }
        let chars: Vec<char> = han.chars().collect();
        if chars.len() == 1 {
            out.push(han.clone());
        } else {
            for w in chars.windows(2) {
                out.push(w.iter().collect());
            }
            for w in jieba().cut_for_search(han, true) {
                if w.word.chars().count() > 2 {
                    out.push(w.word.to_string());
                }
            }
        }
        han.clear();
    };
    for c in norm.chars() {
        if is_cjk(c) {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            han.push(c);
        } else if c.is_alphanumeric() {
            flush_han(&mut han, &mut out);
            word.push(c);
        } else {
            flush_han(&mut han, &mut out);
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
        }
    }
    flush_han(&mut han, &mut out);
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// An index term a query token stands for: its text, its weight (1 for the token itself, less
/// for a term it is the prefix of) and its postings.
type Term<'a> = (&'a str, f32, &'a [(u32, u16)]);

const K1: f32 = 1.2;
const B: f32 = 0.75;
/// At most this many documents are scored for one query (see `search`).
const MAX_CANDIDATES: usize = 25_000;
/// At most this many index terms stand for a prefix.
const PREFIX_EXPANSIONS: usize = 64;

impl Index {
    /// Builds the index from literals, subjects' types and labels, and part-of pairs
    /// (`(part, whole)` IRIs).
    pub fn build(
        literals: Vec<Literal>,
        kinds: Vec<(String, String)>,
        part_of: Vec<(String, String)>,
    ) -> Index {
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut subjects: Vec<SubjectInfo> = Vec::new();
        let mut id_of = |iri: &str, subjects: &mut Vec<SubjectInfo>| -> u32 {
            *ids.entry(iri.to_string()).or_insert_with(|| {
                subjects.push(SubjectInfo {
                    iri: iri.to_string(),
                    kind: "Resource".into(),
                    ..Default::default()
                });
                (subjects.len() - 1) as u32
            })
        };
        let mut docs = Vec::with_capacity(literals.len());
        let mut postings: BTreeMap<String, Vec<(u32, u16)>> = BTreeMap::new();
        let mut total_len = 0u64;
        let mut seen = std::collections::HashSet::new();
        for lit in literals {
            if lit.text.trim().is_empty()
                || !seen.insert((
                    lit.subject.clone(),
                    lit.field,
                    lit.lang.clone(),
                    lit.text.clone(),
                ))
            {
                continue;
            }
            let s = id_of(&lit.subject, &mut subjects);
            if lit.field == Field::Label {
                let info = &mut subjects[s as usize];
                let lang = lit.lang.to_ascii_lowercase();
                if lang.starts_with("zh") && info.label_zh.is_none() {
                    info.label_zh = Some(lit.text.clone());
                } else if (lang.starts_with("en") || lang.is_empty()) && info.label_en.is_none() {
                    info.label_en = Some(lit.text.clone());
                }
            }
            let toks = tokens(&lit.text);
            let d = docs.len() as u32;
            let mut tf: HashMap<&str, u16> = HashMap::new();
            for t in &toks {
                *tf.entry(t.as_str()).or_insert(0) += 1;
            }
            for (t, n) in tf {
                postings.entry(t.to_string()).or_default().push((d, n));
            }
            total_len += toks.len() as u64;
            docs.push(Doc {
                subject: s,
                field: lit.field,
                lang: lit.lang,
                norm: normalise(&lit.text),
                text: lit.text,
                len: toks.len() as u32,
            });
        }
        for (iri, kind) in kinds {
            let s = id_of(&iri, &mut subjects) as usize;
            // A more specific kind than a generic one wins (Place over Resource).
            if subjects[s].kind == "Resource" {
                subjects[s].kind = kind;
            }
        }
        let mut parts: HashMap<u32, Vec<u32>> = HashMap::new();
        for (part, whole) in part_of {
            let (p, w) = (id_of(&part, &mut subjects), id_of(&whole, &mut subjects));
            if p != w {
                parts.entry(w).or_default().push(p);
            }
        }
        for v in parts.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        let avg_len = if docs.is_empty() {
            1.0
        } else {
            (total_len as f32 / docs.len() as f32).max(1.0)
        };
        let mut label_docs: Vec<Option<u32>> = vec![None; subjects.len()];
        for (i, d) in docs.iter().enumerate() {
            let slot = &mut label_docs[d.subject as usize];
            let is_label = |x: u32| docs[x as usize].field == Field::Label;
            if slot.is_none_or(|x| !is_label(x) && d.field == Field::Label) {
                *slot = Some(i as u32);
            }
        }
        Index {
            subjects,
            docs,
            postings,
            parts,
            twin_of: HashMap::new(),
            label_docs,
            avg_len,
        }
    }

    /// Declares `(place, entity)` pairs: a Wikidata entity that a report place links to is the
    /// same city; a match on it counts for the place, and the entity is not answered twice.
    pub fn with_twins(mut self, pairs: Vec<(String, String)>) -> Index {
        let ids: HashMap<&str, u32> = self
            .subjects
            .iter()
            .enumerate()
            .map(|(i, s)| (s.iri.as_str(), i as u32))
            .collect();
        let twins: HashMap<u32, u32> = pairs
            .iter()
            .filter_map(|(p, q)| Some((*ids.get(q.as_str())?, *ids.get(p.as_str())?)))
            .collect();
        self.twin_of = twins;
        self
    }

    /// Documents indexed.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Subjects known (with a literal, a type or a part-of link).
    pub fn subject_count(&self) -> usize {
        self.subjects.len()
    }

    fn idf(&self, df: usize) -> f32 {
        let n = self.docs.len() as f32;
        ((n - df as f32 + 0.5) / (df as f32 + 0.5) + 1.0).ln()
    }

    /// The ranked answers to `req`, best first, at most `req.limit`.
    pub fn search(&self, req: &Request) -> Vec<Hit> {
        let text: String = req.text.chars().take(MAX_QUERY_CHARS).collect();
        let norm = normalise(text.trim());
        // Each word of the query (split at spaces) is a group of tokens; a document must hold
        // at least half the tokens of one group, and counts the share of its best group.
        let groups: Vec<Vec<String>> = norm
            .split_whitespace()
            .map(tokens)
            .filter(|g| !g.is_empty())
            .collect();
        let mut query: Vec<String> = groups.iter().flatten().cloned().collect();
        query.sort();
        query.dedup();
        // Tokens are tracked as bits of a u64; a query longer than that keeps its first 64.
        query.truncate(64);
        if query.is_empty() || req.limit == 0 {
            return Vec::new();
        }
        // The last word typed also matches as a prefix, unless the query ends with a space.
        let prefix = if text.ends_with(char::is_whitespace) {
            None
        } else {
            groups.last().and_then(|g| g.last()).cloned()
        };
        let lang = req.lang.as_deref().map(str::to_ascii_lowercase);
        let kind = req.kind.as_deref().map(str::to_ascii_lowercase);
        // Each query token stands for its own term and, for the last word typed, the terms it
        // begins; the rarest tokens pick the candidate documents and the common ones (a bigram
        // in most sentences) are looked up in them only, so a query costs the postings of its
        // rare terms, not of every term.
        let expansions: Vec<Vec<Term<'_>>> = query
            .iter()
            .map(|t| {
                let mut terms: Vec<Term<'_>> = Vec::new();
                if let Some(list) = self.postings.get(t.as_str()) {
                    terms.push((t.as_str(), 1.0, list.as_slice()));
                }
                if prefix.as_deref() == Some(t.as_str()) {
                    for (term, list) in self
                        .postings
                        .range::<str, _>((
                            std::ops::Bound::Excluded(t.as_str()),
                            std::ops::Bound::Unbounded,
                        ))
                        .take_while(|(k, _)| k.starts_with(t.as_str()))
                        .take(PREFIX_EXPANSIONS)
                    {
                        terms.push((term.as_str(), 0.7, list.as_slice()));
                    }
                }
                terms
            })
            .collect();
        let df = |ti: usize| -> usize { expansions[ti].iter().map(|(_, _, l)| l.len()).sum() };
        let mut order: Vec<usize> = (0..query.len()).filter(|&ti| df(ti) > 0).collect();
        order.sort_by_key(|&ti| df(ti));
        let rare_limit = (self.docs.len() / 50).max(2_000);
        let mut pickers: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&ti| df(ti) <= rare_limit)
            .collect();
        // Every token common ("城市的交流活"): the rarest picks, and only documents that also
        // hold the second rarest are kept (a document must hold half a word's tokens anyway).
        let mut must: Option<usize> = None;
        if pickers.is_empty() {
            pickers.extend(order.first().copied());
            must = order.get(1).copied();
        }
        let bm25 = |weight: f32, df: usize, tf: u16, d: u32| -> f32 {
            let doc = &self.docs[d as usize];
            let tf = tf as f32;
            let norm_len = 1.0 - B + B * doc.len as f32 / self.avg_len;
            weight * self.idf(df) * tf * (K1 + 1.0) / (tf + K1 * norm_len)
        };
        // Candidates, sorted by document: (doc, score, bit set of the query tokens it holds).
        let mut acc: Vec<(u32, f32, u64)> = Vec::new();
        {
            let mut hits: Vec<(u32, usize, f32)> = Vec::new();
            // Only the first MAX_CANDIDATES documents of each list can be among the first
            // MAX_CANDIDATES of their union.
            for &ti in &pickers {
                for (_, weight, list) in &expansions[ti] {
                    let head = &list[..list.len().min(MAX_CANDIDATES)];
                    hits.extend(
                        head.iter()
                            .map(|&(d, tf)| (d, ti, bm25(*weight, list.len(), tf, d))),
                    );
                }
            }
            hits.sort_unstable_by_key(|h| (h.0, h.1));
            for (d, ti, sc) in hits {
                match acc.last_mut() {
                    Some(last) if last.0 == d => {
                        if last.2 & (1 << ti) == 0 {
                            last.1 += sc;
                            last.2 |= 1 << ti;
                        }
                        // The same token through two of its terms counts once (hits of one
                        // token are adjacent and the first is kept; close enough for a prefix).
                    }
                    _ => acc.push((d, sc, 1 << ti)),
                }
            }
            // Documents are numbered labels first, then alternative labels, titles, quotes and
            // passages: a phrase held by more documents than this is ranked among the first
            // of them, which keeps every name that holds it.
            acc.truncate(MAX_CANDIDATES);
        }
        // Adds token `ti`'s score to the candidates that hold it; with `keep_only`, drops the
        // others. A two-pointer walk per term: both lists are sorted by document.
        let add = |acc: &mut Vec<(u32, f32, u64)>, ti: usize, keep_only: bool| {
            let mut best = vec![0.0f32; acc.len()];
            let Some(first) = acc.first().map(|c| c.0) else {
                return;
            };
            let last = acc.last().map_or(first, |c| c.0);
            for (_, weight, list) in &expansions[ti] {
                let (mut i, mut j) = (0, list.partition_point(|(d, _)| *d < first));
                while i < acc.len() && j < list.len() && list[j].0 <= last {
                    match acc[i].0.cmp(&list[j].0) {
                        std::cmp::Ordering::Less => i += 1,
                        std::cmp::Ordering::Greater => j += 1,
                        std::cmp::Ordering::Equal => {
                            let sc = bm25(*weight, list.len(), list[j].1, acc[i].0);
                            best[i] = best[i].max(sc);
                            i += 1;
                            j += 1;
                        }
                    }
                }
            }
            for (c, b) in acc.iter_mut().zip(&best) {
                if *b > 0.0 {
                    c.1 += b;
                    c.2 |= 1 << ti;
                }
            }
            if keep_only {
                acc.retain(|c| c.2 & (1 << ti) != 0);
            }
        };
        if let Some(m) = must {
            add(&mut acc, m, true);
            pickers.push(m);
        }
        for &ti in order.iter().filter(|ti| !pickers.contains(ti)) {
            add(&mut acc, ti, false);
        }
        let group_ids: Vec<Vec<usize>> = groups
            .iter()
            .map(|g| {
                let mut ids: Vec<usize> = g
                    .iter()
                    .filter_map(|t| query.iter().position(|q| q == t))
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                ids
            })
            .collect();
        // subject → (score, doc)
        let mut by_subject: HashMap<u32, (f32, u32)> = HashMap::new();
        for (d, score, matched) in acc {
            let doc = &self.docs[d as usize];
            let coverage = group_ids
                .iter()
                .map(|g| {
                    g.iter().filter(|&&t| matched & (1 << t) != 0).count() as f32 / g.len() as f32
                })
                .fold(0.0f32, f32::max);
            if coverage < 0.5 {
                continue;
            }
            if let Some(l) = &lang {
                if !doc.lang.is_empty() && !doc.lang.to_ascii_lowercase().starts_with(l.as_str()) {
                    continue;
                }
            }
            let mut s = score * coverage * coverage * doc.field.boost();
            if doc.norm == norm {
                s *= 3.0;
            } else if doc.norm.contains(norm.as_str()) {
                s *= 1.5;
            }
            // A Wikidata entity's match counts for the report place it is the twin of (its
            // own literal only when the place has no better one).
            let subject = self
                .twin_of
                .get(&doc.subject)
                .copied()
                .unwrap_or(doc.subject);
            let s = if subject != doc.subject { s * 0.9 } else { s };
            let e = by_subject.entry(subject).or_insert((0.0, d));
            if s > e.0 {
                *e = (s, d);
            }
        }
        // A place found brings its parts, below it.
        let found: Vec<(u32, f32)> = by_subject.iter().map(|(s, (v, _))| (*s, *v)).collect();
        let mut part_of: HashMap<u32, u32> = HashMap::new();
        for (s, v) in found {
            for &p in self.parts.get(&s).into_iter().flatten() {
                let score = v * 0.6;
                let better = by_subject.get(&p).is_none_or(|(old, _)| *old < score);
                if better {
                    // The part's own best literal: its label, else anything it has.
                    let Some(d) = self.label_doc(p) else { continue };
                    by_subject.insert(p, (score, d));
                    part_of.insert(p, s);
                }
            }
        }
        let mut ranked: Vec<(u32, f32, u32)> = by_subject
            .into_iter()
            .map(|(s, (v, d))| (s, v, d))
            .filter(|(s, _, _)| {
                kind.as_deref()
                    .is_none_or(|k| self.subjects[*s as usize].kind.eq_ignore_ascii_case(k))
            })
            .collect();
        let better = |a: &(u32, f32, u32), b: &(u32, f32, u32)| {
            b.1.total_cmp(&a.1).then_with(|| {
                self.subjects[a.0 as usize]
                    .iri
                    .cmp(&self.subjects[b.0 as usize].iri)
            })
        };
        // The best `limit` only: a partial selection, then a sort of those.
        if ranked.len() > req.limit {
            ranked.select_nth_unstable_by(req.limit - 1, better);
            ranked.truncate(req.limit);
        }
        ranked.sort_by(better);
        let cjk_query = norm.chars().any(is_cjk);
        ranked
            .into_iter()
            .map(|(s, score, d)| {
                let info = &self.subjects[s as usize];
                let doc = &self.docs[d as usize];
                let (snippet, marks) = snippet(&doc.text, &query, &norm);
                let label = match lang.as_deref() {
                    Some(l) if l.starts_with("zh") => {
                        info.label_zh.clone().or(info.label_en.clone())
                    }
                    Some(_) => info.label_en.clone().or(info.label_zh.clone()),
                    None if cjk_query => info.label_zh.clone().or(info.label_en.clone()),
                    None => info.label_en.clone().or(info.label_zh.clone()),
                }
                .unwrap_or_else(|| info.iri.rsplit(['/', '#']).next().unwrap_or("").to_string());
                Hit {
                    iri: info.iri.clone(),
                    kind: info.kind.clone(),
                    label,
                    label_en: info.label_en.clone(),
                    label_zh: info.label_zh.clone(),
                    score: (score * 1000.0).round() / 1000.0,
                    snippet,
                    marks,
                    field: doc.field,
                    lang: doc.lang.clone(),
                    part_of: part_of
                        .get(&s)
                        .map(|w| self.subjects[*w as usize].iri.clone()),
                }
            })
            .collect()
    }

    /// A subject's label document (any literal when it has no label).
    fn label_doc(&self, s: u32) -> Option<u32> {
        self.label_docs.get(s as usize).copied().flatten()
    }
}

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 160;

/// `text` cut to a window around its first match, and the matched spans in it (character
/// offsets): the whole query where it occurs, else each query token.
fn snippet(text: &str, query: &[String], whole: &str) -> (String, Vec<(usize, usize)>) {
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = normalise(text).chars().collect();
    // Normalising keeps one character per character for what amity stores (CJK, Latin,
    // full-width ASCII); if it ever does not, mark nothing rather than the wrong span.
    let same_len = lower.len() == chars.len();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    if same_len {
        let mut needles: Vec<Vec<char>> = vec![whole.chars().collect()];
        if !find_all(&lower, &needles[0]).is_empty() {
            needles.truncate(1);
        } else {
            needles = query.iter().map(|t| t.chars().collect()).collect();
        }
        for n in &needles {
            spans.extend(find_all(&lower, n).into_iter().map(|s| (s, s + n.len())));
        }
        spans.sort_unstable();
        // Merge overlaps.
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (s, e) in spans {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        spans = merged;
    }
    if chars.len() <= SNIPPET_CHARS {
        return (text.to_string(), spans);
    }
    let first = spans.first().map_or(0, |s| s.0);
    let start = first.saturating_sub(SNIPPET_CHARS / 3);
    let end = (start + SNIPPET_CHARS).min(chars.len());
    let start = end.saturating_sub(SNIPPET_CHARS);
    let mut out = String::new();
    let lead = if start > 0 { "…" } else { "" };
    out.push_str(lead);
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    let shift = lead.chars().count();
    let marks = spans
        .into_iter()
        .filter(|(s, e)| *s >= start && *e <= end)
        .map(|(s, e)| (s - start + shift, e - start + shift))
        .collect();
    (out, marks)
}

fn find_all(hay: &[char], needle: &[char]) -> Vec<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return Vec::new();
    }
    (0..=hay.len() - needle.len())
        .filter(|&i| hay[i..i + needle.len()] == *needle)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str, field: Field, lang: &str, text: &str) -> Literal {
        Literal {
            subject: s.into(),
            field,
            lang: lang.into(),
            text: text.into(),
        }
    }

    fn index() -> Index {
        Index::build(
            vec![
                lit("p/minsk", Field::Label, "zh", "明斯克"),
                lit("p/minsk", Field::Label, "en", "Minsk"),
                lit("p/minsk-region", Field::Label, "zh", "明斯克州"),
                lit("p/tashkent", Field::Label, "zh", "塔什干"),
                lit("p/tashkent", Field::Label, "en", "Tashkent"),
                lit("p/olmazor", Field::Label, "zh", "奥尔马佐尔区"),
                lit("p/bottrop", Field::Label, "en", "Bottrop"),
                lit("p/bottrop", Field::Label, "zh", "博特罗普"),
                lit(
                    "s/1",
                    Field::Text,
                    "zh",
                    "与明斯克市签署2024-2026年合作发展计划,并举办后备干部培训班。",
                ),
            ],
            vec![
                ("p/minsk".into(), "Place".into()),
                ("p/tashkent".into(), "Place".into()),
                ("p/olmazor".into(), "Place".into()),
                ("s/1".into(), "Passage".into()),
            ],
            vec![("p/olmazor".into(), "p/tashkent".into())],
        )
    }

    fn first(ix: &Index, q: &str) -> String {
        let hits = ix.search(&Request {
            text: q.into(),
            limit: 10,
            ..Default::default()
        });
        hits.first().map(|h| h.iri.clone()).unwrap_or_default()
    }

    #[test]
    fn both_languages_and_prefixes_find_the_place() {
        let ix = index();
        assert_eq!(first(&ix, "明斯克"), "p/minsk");
        assert_eq!(first(&ix, "Minsk"), "p/minsk");
        assert_eq!(first(&ix, "mins"), "p/minsk", "as you type");
        assert_eq!(first(&ix, "ＭＩＮＳＫ"), "p/minsk", "full-width");
        assert_eq!(first(&ix, "博特罗普"), "p/bottrop");
        assert_eq!(first(&ix, "Bottrop"), "p/bottrop");
    }

    #[test]
    fn a_place_brings_its_parts() {
        let hits = index().search(&Request {
            text: "塔什干".into(),
            limit: 10,
            ..Default::default()
        });
        let iris: Vec<&str> = hits.iter().map(|h| h.iri.as_str()).collect();
        assert_eq!(iris[0], "p/tashkent");
        assert!(iris.contains(&"p/olmazor"), "{iris:?}");
        let olmazor = hits.iter().find(|h| h.iri == "p/olmazor").unwrap();
        assert_eq!(olmazor.part_of.as_deref(), Some("p/tashkent"));
    }

    #[test]
    fn a_phrase_inside_a_passage_is_marked_in_its_snippet() {
        let hits = index().search(&Request {
            text: "后备干部培训班".into(),
            limit: 10,
            ..Default::default()
        });
        assert_eq!(hits[0].iri, "s/1");
        let h = &hits[0];
        let chars: Vec<char> = h.snippet.chars().collect();
        let (s, e) = h.marks[0];
        assert_eq!(chars[s..e].iter().collect::<String>(), "后备干部培训班");
    }

    #[test]
    fn odd_queries_give_nothing_rather_than_fail() {
        let ix = index();
        for q in [
            "",
            "   ",
            "!!!",
            "()[]{}*?:\"",
            &"明".repeat(10_000),
            "AND OR NOT",
        ] {
            let hits = ix.search(&Request {
                text: q.into(),
                limit: 10,
                ..Default::default()
            });
            assert!(hits.len() <= 10, "{q}");
        }
    }

    #[test]
    fn kind_and_lang_filter() {
        let ix = index();
        let hits = ix.search(&Request {
            text: "明斯克".into(),
            kind: Some("passage".into()),
            limit: 10,
            ..Default::default()
        });
        assert!(hits.iter().all(|h| h.kind == "Passage") && !hits.is_empty());
        let hits = ix.search(&Request {
            text: "Minsk".into(),
            lang: Some("zh".into()),
            limit: 10,
            ..Default::default()
        });
        assert!(hits.is_empty(), "{hits:?}");
    }
}
