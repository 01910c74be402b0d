//! The store: builds an oxigraph store from a `data/` folder and swaps it in whole.
//!
//! This is the only module that writes to a store. A (re)load validates the data and builds a
//! **new** store completely — in memory, or in a new generation folder on disk — before it
//! replaces the one being served, so a failed load leaves the previous store serving.
//!
//! On disk (`--store DIR`, cargo feature `rocksdb`) the layout is
//! `DIR/CURRENT` (the name of the live generation) and `DIR/gen-NNNNNN/` (RocksDB folders). A
//! reload writes `gen-(N+1)`, then atomically replaces `CURRENT`, then removes the old folder.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphNameRef, NamedNodeRef, Quad};
use oxigraph::store::Store;

use crate::error::{Error, Result};
use crate::vocab;
use crate::{ingest, mapping};

/// The ontology, embedded so every store carries the labels of the terms it uses.
pub const ONTOLOGY_TTL: &str = include_str!("../ontology/amity.ttl");

/// What a load did.
#[derive(Clone, Debug, serde::Serialize)]
pub struct LoadSummary {
    /// Rows read from the CSV files.
    pub rows: usize,
    /// Quads in the new store (data and ontology).
    pub quads: usize,
    pub duration: Duration,
}

/// Callback for progress: `(stage, done, total)`.
pub type Progress<'a> = &'a mut dyn FnMut(&str, usize, usize);

/// A store that can be replaced atomically while it is being read.
pub struct AmityStore {
    /// The live store; readers clone the `Arc` and keep a consistent snapshot for a whole query.
    current: RwLock<Arc<Store>>,
    /// Root folder of the on-disk store, or `None` for the in-memory one.
    location: Option<PathBuf>,
    /// Serialises reloads, so two never build generations at once.
    reload_lock: Mutex<()>,
    /// Extra quads re-added after every reload (e.g. derived network metrics).
    post_load: Option<PostLoad>,
}

/// A step run on every freshly built store before it goes live: it reads the store and returns
/// derived quads (e.g. network metrics), which the store then writes. Readers never write.
pub type PostLoad = Arc<dyn Fn(&Store) -> Result<Vec<Quad>> + Send + Sync>;

/// Runs the post-load step, if any, and writes what it derived.
fn apply_post_load(store: &Store, post_load: Option<&PostLoad>) -> Result<()> {
    if let Some(p) = post_load {
        let quads = p(store)?;
        let mut loader = store.bulk_loader();
        loader.load_quads(quads)?;
        loader.commit()?;
    }
    Ok(())
}

impl AmityStore {
    /// Loads `data` into a new in-memory store.
    pub fn in_memory(data: &Path, progress: Progress<'_>) -> Result<(Self, LoadSummary)> {
        Self::in_memory_with(data, None, progress)
    }

    /// As [`AmityStore::in_memory`], with a step run on each built store before it goes live.
    pub fn in_memory_with(
        data: &Path,
        post_load: Option<PostLoad>,
        progress: Progress<'_>,
    ) -> Result<(Self, LoadSummary)> {
        let store = Store::new()?;
        let summary = build(&store, data, progress)?;
        apply_post_load(&store, post_load.as_ref())?;
        Ok((
            AmityStore {
                current: RwLock::new(Arc::new(store)),
                location: None,
                reload_lock: Mutex::new(()),
                post_load,
            },
            summary,
        ))
    }

    /// Wraps an existing store (for tests and tools).
    pub fn from_store(store: Store) -> Self {
        AmityStore {
            current: RwLock::new(Arc::new(store)),
            location: None,
            reload_lock: Mutex::new(()),
            post_load: None,
        }
    }

    /// The live store. Hold the `Arc` for the duration of one query.
    pub fn store(&self) -> Arc<Store> {
        self.current.read().expect("store lock poisoned").clone()
    }

    /// Where the on-disk store lives, if any.
    pub fn location(&self) -> Option<&Path> {
        self.location.as_deref()
    }

    /// Rebuilds from `data` and swaps the result in; on error the old store keeps serving.
    pub fn reload(&self, data: &Path, progress: Progress<'_>) -> Result<LoadSummary> {
        let _guard = self.reload_lock.lock().expect("reload lock poisoned");
        match &self.location {
            None => {
                let store = Store::new()?;
                let summary = build(&store, data, progress)?;
                apply_post_load(&store, self.post_load.as_ref())?;
                *self.current.write().expect("store lock poisoned") = Arc::new(store);
                Ok(summary)
            }
            Some(root) => {
                #[cfg(feature = "rocksdb")]
                {
                    let (store, summary) =
                        disk::build_generation(root, data, self.post_load.as_ref(), progress)?;
                    let old = std::mem::replace(
                        &mut *self.current.write().expect("store lock poisoned"),
                        Arc::new(store),
                    );
                    disk::retire(root, old);
                    Ok(summary)
                }
                #[cfg(not(feature = "rocksdb"))]
                {
                    let _ = (root, progress);
                    Err(Error::Usage(
                        "this build has no on-disk store (rebuild with --features rocksdb)".into(),
                    ))
                }
            }
        }
    }

    /// Opens the live generation of an on-disk store built by [`AmityStore::load_on_disk`].
    #[cfg(feature = "rocksdb")]
    pub fn open_on_disk(root: &Path, post_load: Option<PostLoad>) -> Result<Self> {
        let store = disk::open_current(root)?;
        Ok(AmityStore {
            current: RwLock::new(Arc::new(store)),
            location: Some(root.to_path_buf()),
            reload_lock: Mutex::new(()),
            post_load,
        })
    }

    /// Builds (or rebuilds) the on-disk store at `root` from `data`.
    #[cfg(feature = "rocksdb")]
    pub fn load_on_disk(
        root: &Path,
        data: &Path,
        post_load: Option<PostLoad>,
        progress: Progress<'_>,
    ) -> Result<(Self, LoadSummary)> {
        std::fs::create_dir_all(root).map_err(|source| Error::Io {
            path: root.to_path_buf(),
            source,
        })?;
        let (store, summary) = disk::build_generation(root, data, post_load.as_ref(), progress)?;
        disk::remove_stale(root);
        Ok((
            AmityStore {
                current: RwLock::new(Arc::new(store)),
                location: Some(root.to_path_buf()),
                reload_lock: Mutex::new(()),
                post_load,
            },
            summary,
        ))
    }
}

/// Validates `data`, maps it and bulk-loads it with the ontology into an empty `store`.
pub fn build(store: &Store, data: &Path, progress: Progress<'_>) -> Result<LoadSummary> {
    let start = Instant::now();
    let ds = ingest::load_dir_with_progress(data, &mut |d, t| progress("validate", d, t))?;
    let mut quads = mapping::dataset_to_quads(&ds);
    // The Wikidata twin network (data/wikidata/, if present) goes to its own named graph.
    if let Some(crawl) = crate::network::wikidata::load_dir(data)? {
        quads.extend(crate::network::wikidata::to_quads(&crawl));
    }
    load_quads(store, quads, progress)?;
    Ok(LoadSummary {
        rows: ds.row_count(),
        quads: store.len()?,
        duration: start.elapsed(),
    })
}

/// Bulk-loads `quads` and the ontology into `store` in one commit.
pub fn load_quads(store: &Store, quads: Vec<Quad>, progress: Progress<'_>) -> Result<()> {
    let total = quads.len();
    let mut loader = store.bulk_loader();
    loader.load_from_slice(
        RdfParser::from_format(RdfFormat::Turtle)
            .with_default_graph(NamedNodeRef::new_unchecked(vocab::ONTOLOGY_GRAPH)),
        ONTOLOGY_TTL,
    )?;
    let mut done = 0;
    let mut quads = quads.into_iter().peekable();
    while quads.peek().is_some() {
        // Moved, not cloned: the strings of a million quads are not copied twice.
        let chunk: Vec<Quad> = quads.by_ref().take(100_000).collect();
        done += chunk.len();
        loader.load_quads(chunk)?;
        progress("load", done, total);
    }
    loader.commit()?;
    Ok(())
}

/// Number of quads in a graph (or all graphs with `None`).
pub fn count_quads(store: &Store, graph: Option<GraphNameRef<'_>>) -> Result<usize> {
    Ok(match graph {
        None => store.len()?,
        Some(g) => store
            .quads_for_pattern(None, None, None, Some(g))
            .filter(|q| q.is_ok())
            .count(),
    })
}

#[cfg(feature = "rocksdb")]
mod disk {
    use super::*;

    const CURRENT: &str = "CURRENT";

    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
        move |source| Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    fn current_name(root: &Path) -> Result<Option<String>> {
        match std::fs::read_to_string(root.join(CURRENT)) {
            Ok(s) => Ok(Some(s.trim().to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(&root.join(CURRENT))(e)),
        }
    }

    pub fn open_current(root: &Path) -> Result<Store> {
        let name = current_name(root)?.ok_or_else(|| {
            Error::Usage(format!(
                "{} holds no store yet: run `amity load --store {}` first",
                root.display(),
                root.display()
            ))
        })?;
        Ok(Store::open(root.join(name))?)
    }

    fn next_generation(root: &Path) -> Result<String> {
        let mut max = 0u64;
        for entry in std::fs::read_dir(root).map_err(io(root))? {
            let entry = entry.map_err(io(root))?;
            if let Some(n) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.strip_prefix("gen-"))
                .and_then(|n| n.parse::<u64>().ok())
            {
                max = max.max(n);
            }
        }
        Ok(format!("gen-{:06}", max + 1))
    }

    /// Builds a new generation and makes it current; on failure removes it and changes nothing.
    pub fn build_generation(
        root: &Path,
        data: &Path,
        post_load: Option<&PostLoad>,
        progress: Progress<'_>,
    ) -> Result<(Store, LoadSummary)> {
        let name = next_generation(root)?;
        let dir = root.join(&name);
        let result = (|| {
            let store = Store::open(&dir)?;
            let summary = build(&store, data, progress)?;
            apply_post_load(&store, post_load)?;
            store.flush()?;
            Ok((store, summary))
        })();
        match result {
            Ok((store, summary)) => {
                let tmp = root.join(format!("{CURRENT}.tmp"));
                std::fs::write(&tmp, &name).map_err(io(&tmp))?;
                std::fs::rename(&tmp, root.join(CURRENT)).map_err(io(root))?;
                Ok((store, summary))
            }
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                Err(e)
            }
        }
    }

    /// Drops the old store and, unless a query still holds it, removes the stale folders.
    /// A folder still in use is removed by the next reload or start instead.
    pub fn retire(root: &Path, old: Arc<Store>) {
        if let Ok(store) = Arc::try_unwrap(old) {
            drop(store);
            remove_stale(root);
        }
    }

    pub fn remove_stale(root: &Path) {
        let Ok(Some(current)) = current_name(root) else {
            return;
        };
        let Ok(entries) = std::fs::read_dir(root) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("gen-") && name != current {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}
