//! A global allocator wrapper that counts each thread's live heap bytes.
//!
//! The endpoint uses it to give every query a memory budget: a cross product feeding ORDER BY
//! can otherwise hold gigabytes before its deadline passes. Counting is one thread-local add
//! per allocation. The `amity` binary installs it; an embedding program that wants the budget
//! installs it too:
//!
//! ```
//! #[global_allocator]
//! static ALLOC: amity::alloc::Counting<std::alloc::System> =
//!     amity::alloc::Counting(std::alloc::System);
//!
//! fn main() {
//!     let before = amity::alloc::thread_net_bytes();
//!     let held = vec![0u8; 1 << 20];
//!     assert!(amity::alloc::installed());
//!     assert!(amity::alloc::thread_net_bytes() - before >= 1 << 20);
//!     drop(held);
//! }
//! ```
//!
//! Without it, [`installed`] is false and the budget is not enforced (the deadline still is).

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

/// Counts the bytes each thread allocates minus the bytes it frees, around an allocator `A`.
pub struct Counting<A>(pub A);

thread_local! {
    static NET: Cell<i64> = const { Cell::new(0) };
}

static INSTALLED: AtomicBool = AtomicBool::new(false);

#[inline]
fn add(delta: i64) {
    // `try_with`: during thread teardown the slot may be gone; then the change is not counted.
    let _ = NET.try_with(|n| n.set(n.get().wrapping_add(delta)));
}

unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the wrapped allocator.
        let p = unsafe { self.0.alloc(layout) };
        if !p.is_null() {
            add(layout.size() as i64);
            if !INSTALLED.load(Ordering::Relaxed) {
                INSTALLED.store(true, Ordering::Relaxed);
            }
        }
        p
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the wrapped allocator.
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if !p.is_null() {
            add(layout.size() as i64);
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the wrapped allocator.
        unsafe { self.0.dealloc(ptr, layout) };
        add(-(layout.size() as i64));
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged to the wrapped allocator.
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            add(new_size as i64 - layout.size() as i64);
        }
        p
    }
}

/// Whether [`Counting`] is the global allocator of this process.
pub fn installed() -> bool {
    INSTALLED.load(Ordering::Relaxed)
}

/// Bytes this thread has allocated and not freed (it can be negative: memory allocated
/// elsewhere and freed here). Only differences between two readings mean something.
pub fn thread_net_bytes() -> i64 {
    NET.try_with(Cell::get).unwrap_or(0)
}

/// A memory budget for the work the calling thread does from now on: what it holds beyond what
/// it held at [`Budget::start`]. Without the counting allocator, or without a limit, it never
/// trips.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    limit: Option<u64>,
    baseline: i64,
}

impl Budget {
    /// Starts counting on the calling thread; `limit` in bytes.
    pub fn start(limit: Option<u64>) -> Budget {
        Budget {
            limit: limit.filter(|_| installed()),
            baseline: thread_net_bytes(),
        }
    }

    /// `Some(limit)` once the thread holds more than `limit` bytes beyond its baseline.
    #[inline]
    pub fn exceeded(&self) -> Option<u64> {
        let limit = self.limit?;
        let used = thread_net_bytes().saturating_sub(self.baseline);
        (used > 0 && used as u64 > limit).then_some(limit)
    }
}
