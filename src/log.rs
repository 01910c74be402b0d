//! The server's log writer: lines are gathered in memory and written out in batches.
//!
//! `serve` logs one line per request. Writing each line to stderr as it comes costs a system
//! call on the request's thread; handing each line to a writer thread through a channel (what
//! `tracing-appender` does) wakes that thread once per request, and on two cores the wake-up
//! and the channel's spinning cost more than the write (about 50 µs of CPU per request, a
//! fifth of an `ASK {}`). [`Batched`] appends the line to a buffer under a mutex and returns;
//! a background thread writes the buffer out every [`Batched::INTERVAL`], so a line reaches
//! stderr at most that much later. A buffer that grows past [`Batched::MAX_PENDING`] is written
//! at once by the thread that fills it, so a log flood cannot grow memory without bound, and
//! nothing is dropped. The [`FlushGuard`] writes what is left when the server stops.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

struct Shared<W> {
    pending: Mutex<Vec<u8>>,
    out: Mutex<W>,
}

impl<W: Write> Shared<W> {
    /// Writes out what is pending. `out` is locked before `pending` is emptied, so batches
    /// reach the output in the order their lines were logged.
    fn flush(&self) -> io::Result<()> {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        let batch = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        if batch.is_empty() {
            return Ok(());
        }
        out.write_all(&batch)?;
        out.flush()
    }
}

/// A [`tracing_subscriber::fmt::MakeWriter`] that batches lines (see the module docs).
pub struct Batched<W> {
    shared: Arc<Shared<W>>,
}

impl<W> Clone for Batched<W> {
    fn clone(&self) -> Self {
        Batched {
            shared: self.shared.clone(),
        }
    }
}

/// Writes out the pending lines when dropped (keep it alive as long as the log is used).
pub struct FlushGuard<W: Write> {
    shared: Arc<Shared<W>>,
}

impl<W: Write> Drop for FlushGuard<W> {
    fn drop(&mut self) {
        let _ = self.shared.flush();
    }
}

impl<W> Batched<W> {
    /// How long a line may wait in memory before the background thread writes it.
    pub const INTERVAL: Duration = Duration::from_millis(100);
    /// Pending bytes above which the logging thread writes the batch itself.
    pub const MAX_PENDING: usize = 256 * 1024;
}

impl<W: Write + Send + 'static> Batched<W> {
    /// A writer onto `out`, its background flusher thread, and the guard that flushes at the
    /// end. The thread ends once every handle and the guard are gone.
    pub fn new(out: W) -> (Batched<W>, FlushGuard<W>) {
        let shared = Arc::new(Shared {
            pending: Mutex::new(Vec::with_capacity(16 * 1024)),
            out: Mutex::new(out),
        });
        let weak: Weak<Shared<W>> = Arc::downgrade(&shared);
        std::thread::Builder::new()
            .name("log-flush".into())
            .spawn(move || loop {
                std::thread::sleep(Self::INTERVAL);
                match weak.upgrade() {
                    Some(shared) => {
                        let _ = shared.flush();
                    }
                    None => break,
                }
            })
            .expect("spawn the log flusher");
        (
            Batched {
                shared: shared.clone(),
            },
            FlushGuard { shared },
        )
    }
}

/// One event's writer: appends to the pending buffer.
pub struct Line<'a, W> {
    shared: &'a Shared<W>,
}

impl<W: Write> Write for Line<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let full = {
            let mut pending = self
                .shared
                .pending
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            pending.extend_from_slice(buf);
            pending.len() > Batched::<W>::MAX_PENDING
        };
        if full {
            self.shared.flush()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a, W: Write + 'static> tracing_subscriber::fmt::MakeWriter<'a> for Batched<W> {
    type Writer = Line<'a, W>;

    fn make_writer(&'a self) -> Self::Writer {
        Line {
            shared: &self.shared,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::fmt::MakeWriter;

    /// An output that records what reached it, and how many writes it took.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<(Vec<u8>, usize)>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let mut s = self.0.lock().unwrap();
            s.0.extend_from_slice(buf);
            s.1 += 1;
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn log(w: &Batched<Sink>, line: &str) {
        w.make_writer().write_all(line.as_bytes()).unwrap();
    }

    #[test]
    fn lines_wait_in_memory_then_reach_the_output_in_order() {
        let sink = Sink::default();
        let (w, guard) = Batched::new(sink.clone());
        for i in 0..100 {
            log(&w, &format!("line {i}\n"));
        }
        // The background thread writes them within a few intervals, as a few writes.
        let start = std::time::Instant::now();
        while sink.0.lock().unwrap().0.is_empty() && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(10));
        }
        drop(guard);
        let (bytes, writes) = sink.0.lock().unwrap().clone();
        let text = String::from_utf8(bytes).unwrap();
        let expected: String = (0..100).map(|i| format!("line {i}\n")).collect();
        assert_eq!(text, expected);
        assert!(writes < 100, "{writes} writes for 100 lines");
    }

    #[test]
    fn the_guard_flushes_what_is_left() {
        let sink = Sink::default();
        let (w, guard) = Batched::new(sink.clone());
        log(&w, "last words\n");
        drop(guard);
        assert_eq!(sink.0.lock().unwrap().0, b"last words\n");
    }

    #[test]
    fn a_flood_is_written_by_the_logging_thread_and_nothing_is_lost() {
        let sink = Sink::default();
        let (w, guard) = Batched::new(sink.clone());
        let line = "x".repeat(999) + "\n";
        let n = 3 * Batched::<Sink>::MAX_PENDING / line.len();
        for _ in 0..n {
            log(&w, &line);
        }
        // Past the cap the logging thread wrote batches itself: the buffer stays bounded.
        let pending = w.shared.pending.lock().unwrap().len();
        assert!(pending <= Batched::<Sink>::MAX_PENDING + line.len());
        drop(guard);
        assert_eq!(sink.0.lock().unwrap().0.len(), n * line.len());
    }
}
