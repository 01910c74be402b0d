//! The store: builds an oxigraph store from a `data/` folder and swaps it in whole.
//!
//! Every write to a served store goes through [`AmityStore`]: loads and reloads, SPARQL Update
//! ([`AmityStore::update`]) and Graph Store Protocol writes ([`AmityStore::write_graph`]). A
//! write after the load marks the derived graphs (the network metrics) stale: the time of the
//! first such write is kept ([`AmityStore::stale_since`], shown by `/health`) and stated in
//! the metrics graph as `am:staleSince`, until a reload recomputes them. A (re)load validates the data and builds a
//! **new** store completely — in memory, or in a new generation folder on disk — before it
//! replaces the one being served, so a failed load leaves the previous store serving.
//!
//! On disk (`--store DIR`, cargo feature `rocksdb`) the layout is
//! `DIR/CURRENT` (the name of the live generation) and `DIR/gen-NNNNNN/` (RocksDB folders). A
//! reload writes `gen-(N+1)`, then atomically replaces `CURRENT`, then removes the old folder.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphNameRef, Literal, NamedNodeRef, Quad, QuadRef};
use oxigraph::sparql::{PreparedSparqlUpdate, UpdateEvaluationError};
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
    /// Quads the post-load step derived and wrote after them (the network metrics).
    pub derived: usize,
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
    /// Bumped by every load and write: what a cache of a derived view is keyed by.
    version: AtomicU64,
    /// When the live store was first written after its load (derived graphs stale since).
    stale_since: Mutex<Option<SystemTime>>,
    /// Serialises writes (update, Graph Store) with each other.
    write_lock: Mutex<()>,
    /// The post-load step of the first load has not run yet (see
    /// [`AmityStore::in_memory_deferred`]).
    deriving: AtomicBool,
}

/// A step run on every freshly built store before it goes live: it reads the store and returns
/// derived quads (e.g. network metrics), which the store then writes. Readers never write.
#[derive(Clone)]
pub struct PostLoad {
    run: Arc<DeriveFn>,
    /// The predicates the step reads, when it reads only some. An on-disk build then hands the
    /// step an in-memory copy of just those quads, made while mapping, instead of reading
    /// RocksDB back (at 10 M quads: 50 s for the network view over RocksDB, 8 s in memory).
    reads: Option<Arc<HashSet<String>>>,
}

/// What a post-load step runs: reads a store, returns the quads it derived.
type DeriveFn = dyn Fn(&Store) -> Result<Vec<Quad>> + Send + Sync;

impl PostLoad {
    /// A step that may read anything in the store.
    pub fn new(run: impl Fn(&Store) -> Result<Vec<Quad>> + Send + Sync + 'static) -> Self {
        PostLoad {
            run: Arc::new(run),
            reads: None,
        }
    }

    /// Declares that the step reads only quads with these predicates (in any graph): it must
    /// derive the same quads from a store holding only those.
    pub fn reading_only<'a>(
        mut self,
        predicates: impl IntoIterator<Item = NamedNodeRef<'a>>,
    ) -> Self {
        self.reads = Some(Arc::new(
            predicates
                .into_iter()
                .map(|p| p.as_str().to_string())
                .collect(),
        ));
        self
    }

    /// Runs the step on `store`.
    pub fn run(&self, store: &Store) -> Result<Vec<Quad>> {
        (self.run)(store)
    }

    /// Whether the step reads quads with this predicate.
    pub fn reads(&self, predicate: NamedNodeRef<'_>) -> bool {
        self.reads
            .as_ref()
            .is_none_or(|r| r.contains(predicate.as_str()))
    }
}

/// Which kind of store a build writes into: they take quads best in different ways.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backend {
    /// One transaction, quad by quad, with no copy of the quad (the bulk loader of the
    /// in-memory store does the same, but wants owned quads).
    Memory,
    /// The bulk loader, in batches of up to [`DISK_BATCH`] owned quads, each turned into sorted files
    /// by a background thread while the next batch is mapped.
    Disk,
}

/// Quads per bulk-loader batch on disk, at most: oxigraph's own default batch size.
const DISK_BATCH: usize = 1_000_000;

/// The batch size for a load of about `rows` rows: small enough for at least four batches, so
/// the loader's two background threads sort and write while the next batch is mapped (one
/// batch of a million quads left them idle: scale 1 took 13.7 s against oxigraph's 10.6 s);
/// at most [`DISK_BATCH`], so ten million quads make ten sets of files, not a hundred.
fn disk_batch(rows: usize) -> usize {
    // The mapper writes about 12 quads per row (see generated and real data).
    (rows * 12 / 4).clamp(100_000, DISK_BATCH)
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
        Self::in_memory_dirs(data, &[], post_load, progress)
    }

    /// As [`AmityStore::in_memory_with`], with further folders of rows read after `data` as
    /// if appended to it (see [`ingest::load_dirs`]).
    pub fn in_memory_dirs(
        data: &Path,
        extra: &[PathBuf],
        post_load: Option<PostLoad>,
        progress: Progress<'_>,
    ) -> Result<(Self, LoadSummary)> {
        let store = Store::new()?;
        let dirs = Dirs { data, extra };
        let summary = build(&store, Backend::Memory, dirs, post_load.as_ref(), progress)?;
        Ok((
            AmityStore {
                current: RwLock::new(Arc::new(store)),
                location: None,
                reload_lock: Mutex::new(()),
                post_load,
                version: AtomicU64::new(1),
                stale_since: Mutex::new(None),
                deriving: AtomicBool::new(false),
                write_lock: Mutex::new(()),
            },
            summary,
        ))
    }

    /// As [`AmityStore::in_memory_dirs`], but the post-load step (the network metrics: seconds
    /// for the Wikidata network) does not run now: the store goes live without its derived
    /// quads, [`AmityStore::deriving`] says so, and [`AmityStore::derive_deferred`] runs the
    /// step and writes them. `serve` opens its port first and derives after. Reloads run the
    /// step before the new store goes live, as always.
    pub fn in_memory_deferred(
        data: &Path,
        extra: &[PathBuf],
        post_load: Option<PostLoad>,
        progress: Progress<'_>,
    ) -> Result<(Self, LoadSummary)> {
        let (mut s, summary) = Self::in_memory_dirs(data, extra, None, progress)?;
        s.deriving = AtomicBool::new(post_load.is_some());
        s.post_load = post_load;
        Ok((s, summary))
    }

    /// Whether the derived quads of the first load are still being made.
    pub fn deriving(&self) -> bool {
        self.deriving.load(Ordering::SeqCst)
    }

    /// Runs the post-load step a deferred load left out and writes its quads into the live
    /// store, in one transaction, holding the write lock (so no update interleaves); bumps the
    /// version, so views derived before it are made again. Returns how many quads it wrote
    /// (`None` when nothing was deferred).
    pub fn derive_deferred(&self) -> Result<Option<usize>> {
        if !self.deriving() {
            return Ok(None);
        }
        let _reload = self.reload_lock.lock().expect("reload lock poisoned");
        let _write = self.write_lock.lock().expect("write lock poisoned");
        let result = (|| {
            let Some(step) = &self.post_load else {
                return Ok(None);
            };
            let store = self.store();
            let quads = step.run(&store)?;
            let mut tx = store.start_transaction()?;
            for q in &quads {
                tx.insert(q.as_ref());
            }
            tx.commit()?;
            Ok(Some(quads.len()))
        })();
        self.deriving.store(false, Ordering::SeqCst);
        self.version.fetch_add(1, Ordering::SeqCst);
        result
    }

    /// Wraps an existing store (for tests and tools).
    pub fn from_store(store: Store) -> Self {
        AmityStore {
            current: RwLock::new(Arc::new(store)),
            location: None,
            reload_lock: Mutex::new(()),
            post_load: None,
            version: AtomicU64::new(1),
            stale_since: Mutex::new(None),
            deriving: AtomicBool::new(false),
            write_lock: Mutex::new(()),
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
        self.reload_dirs(data, &[], progress)
    }

    /// As [`AmityStore::reload`], with further folders of rows read after `data` (see
    /// [`ingest::load_dirs`]).
    pub fn reload_dirs(
        &self,
        data: &Path,
        extra: &[PathBuf],
        progress: Progress<'_>,
    ) -> Result<LoadSummary> {
        let _guard = self.reload_lock.lock().expect("reload lock poisoned");
        let dirs = Dirs { data, extra };
        match &self.location {
            None => {
                let store = Store::new()?;
                let summary = build(
                    &store,
                    Backend::Memory,
                    dirs,
                    self.post_load.as_ref(),
                    progress,
                )?;
                *self.current.write().expect("store lock poisoned") = Arc::new(store);
                self.fresh();
                Ok(summary)
            }
            Some(root) => {
                #[cfg(feature = "rocksdb")]
                {
                    let (store, summary) =
                        disk::build_generation(root, dirs, self.post_load.as_ref(), progress)?;
                    let old = std::mem::replace(
                        &mut *self.current.write().expect("store lock poisoned"),
                        Arc::new(store),
                    );
                    disk::retire(root, old);
                    self.fresh();
                    Ok(summary)
                }
                #[cfg(not(feature = "rocksdb"))]
                {
                    let _ = (root, dirs, progress);
                    Err(Error::Usage(
                        "this build has no on-disk store (rebuild with --features rocksdb)".into(),
                    ))
                }
            }
        }
    }

    /// The folder of the live on-disk generation (`DIR/gen-NNNNNN`), `None` in memory.
    pub fn generation_dir(&self) -> Option<PathBuf> {
        #[cfg(feature = "rocksdb")]
        {
            let root = self.location.as_ref()?;
            let name = std::fs::read_to_string(root.join("CURRENT")).ok()?;
            Some(root.join(name.trim()))
        }
        #[cfg(not(feature = "rocksdb"))]
        None
    }

    /// Bumped by every load and write; a view derived from the store at one version is
    /// current while the version stays the same.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::SeqCst)
    }

    /// When the live store was first written after its load: from then on the derived graphs
    /// (network metrics) may not match the data. `None` while they do.
    pub fn stale_since(&self) -> Option<SystemTime> {
        *self.stale_since.lock().expect("stale lock poisoned")
    }

    /// A new store went live: its derived graphs are fresh.
    fn fresh(&self) {
        *self.stale_since.lock().expect("stale lock poisoned") = None;
        self.version.fetch_add(1, Ordering::SeqCst);
    }

    /// After a write: bumps the version and, on the first write since the load, states in
    /// the metrics graph (when the store has one) that its values are stale from now on.
    fn written(&self, store: &Store) {
        self.version.fetch_add(1, Ordering::SeqCst);
        let mut stale = self.stale_since.lock().expect("stale lock poisoned");
        if stale.is_none() {
            let now = SystemTime::now();
            *stale = Some(now);
            let graph = NamedNodeRef::new_unchecked(vocab::METRICS_GRAPH);
            if !store.contains_named_graph(graph).unwrap_or(false) {
                return;
            }
            let stamp = Literal::new_typed_literal(crate::clock::utc(now), vocab::xsd::DATE_TIME);
            let quad = QuadRef::new(graph, vocab::am::STALE_SINCE, &stamp, graph);
            if let Err(e) = store.insert(quad) {
                tracing::warn!("could not mark the metrics graph stale: {e}");
            }
        }
    }

    /// Applies a prepared SPARQL Update (the engine prepares it with the request's bounds)
    /// to the live store, then marks the derived graphs stale.
    pub fn update(
        &self,
        update: PreparedSparqlUpdate,
    ) -> std::result::Result<(), UpdateEvaluationError> {
        let _write = self.write_lock.lock().expect("write lock poisoned");
        let store = self.store();
        let result = update.on_store(&store).execute();
        if result.is_ok() {
            self.written(&store);
        }
        result
    }

    /// Writes one graph of the live store in a single transaction (see [`write_graph`]),
    /// then marks the derived graphs stale.
    pub fn write_graph(
        &self,
        graph: &oxigraph::model::GraphName,
        triples: Vec<oxigraph::model::Triple>,
        write: GraphWrite,
    ) -> Result<GraphWritten> {
        let _write = self.write_lock.lock().expect("write lock poisoned");
        let store = self.store();
        let done = write_graph(&store, graph, triples, write)?;
        if done != GraphWritten::Missing {
            self.written(&store);
        }
        Ok(done)
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
            version: AtomicU64::new(1),
            stale_since: Mutex::new(None),
            deriving: AtomicBool::new(false),
            write_lock: Mutex::new(()),
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
        Self::load_on_disk_dirs(root, data, &[], post_load, progress)
    }

    /// As [`AmityStore::load_on_disk`], with further folders of rows read after `data` (see
    /// [`ingest::load_dirs`]).
    #[cfg(feature = "rocksdb")]
    pub fn load_on_disk_dirs(
        root: &Path,
        data: &Path,
        extra: &[PathBuf],
        post_load: Option<PostLoad>,
        progress: Progress<'_>,
    ) -> Result<(Self, LoadSummary)> {
        std::fs::create_dir_all(root).map_err(|source| Error::Io {
            path: root.to_path_buf(),
            source,
        })?;
        let dirs = Dirs { data, extra };
        let (store, summary) = disk::build_generation(root, dirs, post_load.as_ref(), progress)?;
        disk::remove_stale(root);
        Ok((
            AmityStore {
                current: RwLock::new(Arc::new(store)),
                location: Some(root.to_path_buf()),
                reload_lock: Mutex::new(()),
                post_load,
                version: AtomicU64::new(1),
                stale_since: Mutex::new(None),
                deriving: AtomicBool::new(false),
                write_lock: Mutex::new(()),
            },
            summary,
        ))
    }
}

/// The folders a build reads: the data folder, and the folders of rows read after it.
#[derive(Clone, Copy)]
struct Dirs<'a> {
    data: &'a Path,
    extra: &'a [PathBuf],
}

/// Validates `dirs`, maps them with the ontology into an empty `store`, then runs the post-load
/// step (if any) and writes what it derived.
///
/// Nothing is collected in between: each quad goes from the mapper into the store (in memory)
/// or into the current bulk-loader batch (on disk). On disk, the step reads its in-memory copy
/// while a second thread finishes the bulk load and counts the store; in memory, the store is
/// counted on a second thread while the step reads it.
fn build(
    store: &Store,
    backend: Backend,
    dirs: Dirs<'_>,
    post_load: Option<&PostLoad>,
    progress: Progress<'_>,
) -> Result<LoadSummary> {
    let start = Instant::now();
    let ds = ingest::load_dirs_with_progress(dirs.data, dirs.extra, &mut |d, t| {
        progress("validate", d, t)
    })?;
    // The Wikidata twin network (data/wikidata/, if present) goes to its own named graph.
    let wikidata = ingest::wikidata::load_dir(dirs.data)?;
    let rows = ds.row_count();
    tracing::info!(rows, elapsed = ?start.elapsed(), "validated");
    let mut extra = ontology_quads()?;
    if let Some(crawl) = &wikidata {
        extra.extend(mapping::wikidata::to_quads(crawl));
    }
    // On disk, a step that declares what it reads gets an in-memory copy of just that.
    let view = match post_load {
        Some(p) if backend == Backend::Disk && p.reads.is_some() => Some(Store::new()?),
        _ => None,
    };
    let mut on_rows = |done: usize| progress("load", done, rows);
    let (quads, derived) = match backend {
        Backend::Memory => {
            let (quads, derived) = std::thread::scope(|scope| {
                // A step that declares what it reads does not wait for the store: a second
                // thread maps the rows again, keeps just those quads in a copy, and runs the
                // step on it while this thread writes the store.
                let side = post_load.filter(|p| p.reads.is_some()).map(|p| {
                    let (ds, extra) = (&ds, &extra);
                    scope.spawn(move || -> Result<Vec<Quad>> {
                        let copy = Store::new()?;
                        let mut tx = copy.start_transaction()?;
                        for q in extra.iter().filter(|q| p.reads(q.predicate.as_ref())) {
                            tx.insert(q);
                        }
                        mapping::map_dataset(ds, &mut |q| {
                            if p.reads(q.predicate) {
                                tx.insert(q);
                            }
                        });
                        tx.commit()?;
                        tracing::info!(elapsed = ?start.elapsed(), "copy for the post-load step");
                        p.run(&copy)
                    })
                });
                let mut tx = store.start_transaction()?;
                for q in &extra {
                    tx.insert(q);
                }
                mapping::map_dataset_with_progress(&ds, &mut |q| tx.insert(q), &mut on_rows);
                tx.commit()?;
                tracing::info!(elapsed = ?start.elapsed(), "loaded");
                match side {
                    Some(side) => {
                        let quads = store.len()?;
                        Ok::<_, Error>((quads, joined(side)?))
                    }
                    None => alongside(|| Ok(store.len()?), post_load, store),
                }
            })?;
            (quads, write_derived(store, derived)?)
        }
        Backend::Disk => {
            // Atomic: the sorted batches go into the store at `commit`. Loading each batch as
            // it is sorted (`without_atomicity`) was measured slower at scale 10 (85.9 s vs 81.5 s).
            let mut loader = store.bulk_loader();
            // `view` is only made when `post_load` is there.
            let mut view_tx = view.as_ref().map(Store::start_transaction).transpose()?;
            let mut to_view = |q: QuadRef<'_>| {
                if let Some(tx) = view_tx.as_mut() {
                    if post_load.is_some_and(|p| p.reads(q.predicate)) {
                        tx.insert(q);
                    }
                }
            };
            for q in &extra {
                to_view(q.as_ref());
            }
            let batch_size = disk_batch(rows);
            let mut batch = extra;
            let mut failed = None;
            mapping::map_dataset_with_progress(
                &ds,
                &mut |q| {
                    to_view(q);
                    batch.push(q.into_owned());
                    if batch.len() >= batch_size && failed.is_none() {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(batch_size));
                        failed = loader.load_quads(full).err();
                    }
                },
                &mut on_rows,
            );
            if let Some(e) = failed {
                return Err(e.into());
            }
            loader.load_quads(batch)?;
            drop(ds);
            let finish = move || -> Result<usize> {
                loader.commit()?;
                Ok(store.len()?)
            };
            match (view_tx, view.as_ref(), post_load) {
                (Some(tx), Some(view), Some(post_load)) => {
                    tx.commit()?;
                    tracing::info!(elapsed = ?start.elapsed(), "mapped");
                    // The last batches are sorted and copied into the store while the step
                    // reads the copy; the derived quads are sorted while that goes on, and go
                    // in once the store is counted.
                    std::thread::scope(|scope| {
                        let finished = scope.spawn(finish);
                        let derived = post_load.run(view)?;
                        let derived_count = derived.len();
                        let mut loader = store.bulk_loader();
                        loader.load_quads(derived)?;
                        let quads = joined(finished)?;
                        loader.commit()?;
                        Ok::<_, Error>((quads, derived_count))
                    })?
                }
                _ => {
                    let quads = finish()?;
                    tracing::info!(elapsed = ?start.elapsed(), "loaded");
                    let (quads, derived) = alongside(|| Ok(quads), post_load, store)?;
                    (quads, write_derived(store, derived)?)
                }
            }
        }
    };
    tracing::info!(quads, derived, elapsed = ?start.elapsed(), "counted, derived and written");
    Ok(LoadSummary {
        rows,
        quads,
        derived,
        duration: start.elapsed(),
    })
}

/// The result of a scoped thread; a panic in it goes on in the caller.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Writes the quads a post-load step derived; returns how many there were.
fn write_derived(store: &Store, derived: Vec<Quad>) -> Result<usize> {
    let count = derived.len();
    if count > 0 {
        let mut loader = store.bulk_loader();
        loader.load_quads(derived)?;
        loader.commit()?;
    }
    Ok(count)
}

/// Runs `count` on a second thread while the post-load step (if any) reads `source`; returns
/// the count and the derived quads.
fn alongside(
    count: impl FnOnce() -> Result<usize> + Send,
    post_load: Option<&PostLoad>,
    source: &Store,
) -> Result<(usize, Vec<Quad>)> {
    let (quads, derived) = std::thread::scope(|scope| {
        let count = scope.spawn(count);
        let derived = post_load.map(|p| p.run(source)).transpose();
        (joined(count), derived)
    });
    Ok((quads?, derived?.unwrap_or_default()))
}

/// The ontology's triples, in the ontology graph.
fn ontology_quads() -> Result<Vec<Quad>> {
    Ok(RdfParser::from_format(RdfFormat::Turtle)
        .with_default_graph(NamedNodeRef::new_unchecked(vocab::ONTOLOGY_GRAPH))
        .for_slice(ONTOLOGY_TTL)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| oxigraph::store::LoaderError::from(oxigraph::io::RdfParseError::from(e)))?)
}

/// What a Graph Store Protocol write does to its graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphWrite {
    /// PUT: the graph becomes exactly the given triples.
    Replace,
    /// POST: the triples are added.
    Add,
    /// DELETE: the graph is removed (the default graph is emptied).
    Drop,
}

/// What a [`write_graph`] found and did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphWritten {
    /// The named graph did not exist and now does.
    Created,
    /// The graph existed (or is the default graph) and was changed.
    Changed,
    /// A drop of a named graph that does not exist: nothing was done.
    Missing,
}

/// Writes one graph of `store` in a single transaction, so a replace either happens whole or
/// not at all. The HTTP layer calls it (through [`AmityStore::write_graph`]) and SPARQL
/// Update only for requests that carry the update token. A reload rebuilds the store from
/// `data/` and drops what they wrote.
fn write_graph(
    store: &Store,
    graph: &oxigraph::model::GraphName,
    triples: Vec<oxigraph::model::Triple>,
    write: GraphWrite,
) -> Result<GraphWritten> {
    use oxigraph::model::GraphName;
    let mut t = store.start_transaction()?;
    let existed = match graph {
        GraphName::DefaultGraph => true,
        GraphName::NamedNode(n) => t.contains_named_graph(n)?,
        GraphName::BlankNode(b) => t.contains_named_graph(b)?,
    };
    match write {
        GraphWrite::Drop => {
            match graph {
                GraphName::DefaultGraph => t.clear_graph(GraphNameRef::DefaultGraph)?,
                _ if !existed => return Ok(GraphWritten::Missing),
                GraphName::NamedNode(n) => t.remove_named_graph(n)?,
                GraphName::BlankNode(b) => t.remove_named_graph(b)?,
            }
            t.commit()?;
            return Ok(GraphWritten::Changed);
        }
        GraphWrite::Replace => t.clear_graph(graph.as_ref())?,
        GraphWrite::Add => {}
    }
    match graph {
        GraphName::NamedNode(n) => t.insert_named_graph(n),
        GraphName::BlankNode(b) => t.insert_named_graph(b),
        GraphName::DefaultGraph => {}
    }
    for triple in &triples {
        t.insert(triple.as_ref().in_graph(graph.as_ref()));
    }
    t.commit()?;
    Ok(if existed {
        GraphWritten::Changed
    } else {
        GraphWritten::Created
    })
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

/// Writes every quad of `store` (every named graph, ontology included) to `writer` in `format`
/// (`amity export` without `--network`). A format without datasets (Turtle) gets the triples of
/// all graphs merged into one.
pub fn dump<W: std::io::Write>(store: &Store, format: RdfFormat, writer: W) -> Result<W> {
    let mut ser = oxigraph::io::RdfSerializer::from_format(format).for_writer(writer);
    for q in store.iter() {
        let q = q?;
        if format.supports_datasets() {
            ser.serialize_quad(&q)?;
        } else {
            ser.serialize_triple(q.as_ref())?;
        }
    }
    Ok(ser.finish()?)
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
        dirs: Dirs<'_>,
        post_load: Option<&PostLoad>,
        progress: Progress<'_>,
    ) -> Result<(Store, LoadSummary)> {
        let name = next_generation(root)?;
        let dir = root.join(&name);
        let result = (|| {
            let store = Store::open(&dir)?;
            let summary = build(&store, Backend::Disk, dirs, post_load, progress)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{GraphName, Literal, NamedNode};

    fn two_graphs() -> Store {
        let store = Store::new().unwrap();
        let s = NamedNode::new_unchecked("http://example.org/s");
        let p = NamedNode::new_unchecked("http://example.org/p");
        for (g, o) in [
            ("http://example.org/g1", "one"),
            ("http://example.org/g2", "two"),
        ] {
            store
                .insert(&Quad::new(
                    s.clone(),
                    p.clone(),
                    Literal::new_simple_literal(o),
                    GraphName::from(NamedNode::new_unchecked(g)),
                ))
                .unwrap();
        }
        store
    }

    #[test]
    fn dump_keeps_the_graphs_in_dataset_formats_and_merges_them_in_turtle() {
        let store = two_graphs();
        let nq = String::from_utf8(dump(&store, RdfFormat::NQuads, Vec::new()).unwrap()).unwrap();
        assert_eq!(nq.lines().count(), 2, "{nq}");
        assert!(nq.contains("<http://example.org/g1>") && nq.contains("<http://example.org/g2>"));
        let trig = String::from_utf8(dump(&store, RdfFormat::TriG, Vec::new()).unwrap()).unwrap();
        assert!(trig.contains("<http://example.org/g2>"), "{trig}");
        let ttl = String::from_utf8(dump(&store, RdfFormat::Turtle, Vec::new()).unwrap()).unwrap();
        assert!(
            !ttl.contains("/g1>") && ttl.contains("\"one\"") && ttl.contains("\"two\""),
            "{ttl}"
        );
        // What was dumped loads back into the same quads.
        let copy = Store::new().unwrap();
        copy.load_from_slice(RdfParser::from_format(RdfFormat::NQuads), nq.as_bytes())
            .unwrap();
        assert_eq!(copy.len().unwrap(), 2);
    }
}
