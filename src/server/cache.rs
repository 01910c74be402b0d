//! The answers of stored questions (`/queries/NAME`), kept per store version: a repeated
//! question with the same parameters and format is answered from memory. Every load and every
//! write bumps the store's version, which empties the cache; the gallery's reload empties it
//! too. Bounded in bytes, least recently used answer out first; an answer larger than a
//! quarter of the bound is not kept. Hits and misses are counted for `/health`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use axum::body::Bytes;

/// One kept answer.
#[derive(Clone)]
pub struct Answer {
    pub body: Bytes,
    pub content_type: &'static str,
    pub truncated: Option<usize>,
}

pub struct ResultCache {
    max_bytes: usize,
    inner: Mutex<Inner>,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Default)]
struct Inner {
    version: u64,
    entries: HashMap<String, (Answer, u64)>,
    bytes: usize,
    clock: u64,
}

impl ResultCache {
    /// A cache holding at most `max_bytes` of answers (0: nothing is kept).
    pub fn new(max_bytes: usize) -> Self {
        ResultCache {
            max_bytes,
            inner: Mutex::new(Inner::default()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The key of one question: its name, its parameters (in the order given, which the
    /// caller has made canonical) and the response's media type.
    pub fn key(name: &str, params: &[(String, String)], content_type: &str) -> String {
        let mut k = format!("{name}\u{0}{content_type}");
        for (n, v) in params {
            k.push('\u{0}');
            k.push_str(n);
            k.push('=');
            k.push_str(v);
        }
        k
    }

    /// The kept answer for `key` at store `version`, counting a hit or a miss.
    pub fn get(&self, version: u64, key: &str) -> Option<Answer> {
        if self.max_bytes == 0 {
            return None;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.at_version(version);
        inner.clock += 1;
        let now = inner.clock;
        let found = inner.entries.get_mut(key).map(|(a, used)| {
            *used = now;
            a.clone()
        });
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Keeps an answer made at store `version` (dropped if the store moved on meanwhile).
    pub fn put(&self, version: u64, key: String, answer: Answer) {
        let size = answer.body.len() + key.len();
        if self.max_bytes == 0 || size > self.max_bytes / 4 {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if version < inner.version {
            return;
        }
        inner.at_version(version);
        inner.clock += 1;
        let now = inner.clock;
        if let Some((old, _)) = inner.entries.insert(key.clone(), (answer, now)) {
            inner.bytes -= old.body.len() + key.len();
        }
        inner.bytes += size;
        while inner.bytes > self.max_bytes {
            let Some(oldest) = inner
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((a, _)) = inner.entries.remove(&oldest) {
                inner.bytes -= a.body.len() + oldest.len();
            }
        }
    }

    /// Forgets every answer (the gallery was reloaded).
    pub fn clear(&self) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.entries.clear();
        inner.bytes = 0;
    }

    /// For `/health`: hits, misses, answers kept, bytes kept, the bound.
    pub fn report(&self) -> serde_json::Value {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        serde_json::json!({
            "hits": self.hits.load(Ordering::Relaxed),
            "misses": self.misses.load(Ordering::Relaxed),
            "entries": inner.entries.len(),
            "bytes": inner.bytes,
            "max_bytes": self.max_bytes,
        })
    }
}

impl Inner {
    /// Empties the cache when the store has moved to a newer version.
    fn at_version(&mut self, version: u64) {
        if version != self.version {
            self.entries.clear();
            self.bytes = 0;
            self.version = version;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(n: usize) -> Answer {
        Answer {
            body: Bytes::from(vec![b'x'; n]),
            content_type: "text/csv",
            truncated: None,
        }
    }

    #[test]
    fn a_new_version_empties_it_and_the_bound_holds() {
        let c = ResultCache::new(1000);
        c.put(1, "a".into(), answer(100));
        assert!(c.get(1, "a").is_some());
        assert!(c.get(2, "a").is_none(), "a write made it stale");
        // An answer made before the write is not kept after it.
        c.put(1, "a".into(), answer(100));
        assert!(c.get(2, "a").is_none());
        for i in 0..20 {
            c.put(2, format!("k{i}"), answer(200));
            assert!(c.report()["bytes"].as_u64().unwrap() <= 1000);
        }
        // The most recent ones are kept, the oldest went.
        assert!(c.get(2, "k19").is_some());
        assert!(c.get(2, "k0").is_none());
        // Larger than a quarter of the bound: not kept.
        c.put(2, "big".into(), answer(400));
        assert!(c.get(2, "big").is_none());
        let r = c.report();
        assert_eq!(r["hits"], 2);
        assert!(r["misses"].as_u64().unwrap() >= 4);
    }

    #[test]
    fn recently_used_answers_stay() {
        let c = ResultCache::new(1000);
        for k in ["a", "b", "c", "d"] {
            c.put(1, k.into(), answer(240));
        }
        assert!(c.get(1, "a").is_some());
        c.put(1, "e".into(), answer(240));
        assert!(c.get(1, "a").is_some(), "a was used last");
        assert!(c.get(1, "b").is_none(), "b was the least recently used");
        assert!(c.get(1, "e").is_some());
    }
}
