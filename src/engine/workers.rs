//! The threads evaluations run on.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{mpsc, Arc, Mutex};

type Task = Box<dyn FnOnce() + Send>;

/// The threads evaluations run on: as many as evaluations may run at once, each with the
/// stack [`crate::limits::Limits::stack_size`] asks for (tokio's blocking threads have 2 MiB).
/// They end when the last handle to the pool is dropped.
pub struct Workers {
    queue: mpsc::Sender<Task>,
}

impl Workers {
    pub fn new(threads: usize, stack_size: usize) -> std::io::Result<Workers> {
        let (queue, tasks) = mpsc::channel::<Task>();
        let tasks = Arc::new(Mutex::new(tasks));
        for i in 0..threads.max(1) {
            let tasks = tasks.clone();
            std::thread::Builder::new()
                .name(format!("amity-eval-{i}"))
                .stack_size(stack_size)
                .spawn(move || loop {
                    let next = tasks.lock().map(|rx| rx.recv());
                    match next {
                        Ok(Ok(task)) => task(),
                        _ => return,
                    }
                })?;
        }
        Ok(Workers { queue })
    }

    /// Runs `f` on a worker; the receiver gets its result, or its panic.
    pub(super) fn spawn<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> tokio::sync::oneshot::Receiver<std::thread::Result<T>> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let task: Task = Box::new(move || {
            let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(f)));
        });
        // The workers outlive every request (they stop only when the state is dropped), so a
        // send cannot fail while a handler runs; if it did, the receiver reports it.
        let _ = self.queue.send(task);
        rx
    }
}
