//! Rayon thread pools that belong to one process, so that the package works
//! in a process forked from one that used it.
//!
//! `fork` copies only the calling thread. A child of a process whose pool
//! had started has the pool's state but none of its threads, so a task given
//! to that pool never runs and the caller waits forever. Python forks often:
//! `multiprocessing` and `concurrent.futures.ProcessPoolExecutor` do by
//! default on Linux before Python 3.14, and so does Dask's "processes"
//! scheduler when its `multiprocessing.context` setting is "fork".
//!
//! That is why the package does not use rayon's global pool, which cannot
//! be replaced once it has started. Instead, each entry point from Python
//! runs its work inside [`ENGINE_POOL`]'s `install`. There, rayon's `join`,
//! `scope`, `spawn` and parallel iterators all run on the installed pool,
//! including those that the core starts (rayon-core 1.13).

use std::sync::OnceLock;

use rayon::{ThreadPool, ThreadPoolBuildError, ThreadPoolBuilder};

/// A rayon pool per process, built on first use in each process. It is
/// meant for a `static`, which is never dropped.
///
/// The pools form a chain in the order the processes forked: a forked child
/// inherits its ancestors' entries, passes over them because their process
/// ids differ from its own, and adds its own pool at the end. An ancestor's
/// pool is never dropped in the child, because its threads do not exist
/// there and dropping a pool signals them through locks that the parent's
/// threads may have held at the fork. Each process thus leaks the small
/// state of its ancestors' pools, one entry per generation of forks.
///
/// NOTE: a child whose process id equals the id of an ancestor that built a
/// pool (possible only after that ancestor exited and the id was reused)
/// takes that pool and waits forever. A fork while another thread is adding
/// a pool to the chain can also leave the child waiting on that entry.
#[derive(Debug)]
pub struct ProcessPool {
    builder: fn() -> ThreadPoolBuilder,
    first: OnceLock<Box<Generation>>,
}

/// The pool of one process, and the slot for the pool of a process forked
/// from it.
#[derive(Debug)]
struct Generation {
    process_id: u32,
    pool: ThreadPool,
    next: OnceLock<Box<Generation>>,
}

impl ProcessPool {
    /// Makes a pool that `builder` builds in each process that uses it.
    pub const fn new(builder: fn() -> ThreadPoolBuilder) -> Self {
        Self {
            builder,
            first: OnceLock::new(),
        }
    }

    /// Returns the pool of the current process, and builds it on the first
    /// call in this process.
    ///
    /// # Errors
    ///
    /// Returns rayon's error when the pool's threads could not be started.
    /// The next call tries again.
    pub fn get(&self) -> Result<&ThreadPool, ThreadPoolBuildError> {
        self.get_for(std::process::id())
    }

    /// Returns the pool of the process `process_id`, building it if the
    /// chain contains none.
    fn get_for(&self, process_id: u32) -> Result<&ThreadPool, ThreadPoolBuildError> {
        let mut slot = &self.first;
        loop {
            let Some(generation) = slot.get() else {
                // The pool is built outside the slot's lock, so a fork
                // meanwhile cannot leave that lock held in the child.
                let pool = (self.builder)().build()?;
                let generation = Generation {
                    process_id,
                    pool,
                    next: OnceLock::new(),
                };
                // Another thread of this process may have filled the slot
                // first. Then its pool is used, and this one is dropped,
                // which is safe because its threads run in this process.
                let _ = slot.set(Box::new(generation));
                continue;
            };
            if generation.process_id == process_id {
                return Ok(&generation.pool);
            }
            slot = &generation.next;
        }
    }
}

/// The pool that runs the engines, table reads and conversions called from
/// Python. It has one thread per core, or `RAYON_NUM_THREADS` threads when
/// that variable is set to a positive number, as rayon's global pool would.
pub static ENGINE_POOL: ProcessPool =
    ProcessPool::new(|| ThreadPoolBuilder::new().thread_name(|index| format!("xuetong-{index}")));

#[cfg(test)]
mod tests {
    use super::*;

    fn two_threads() -> ThreadPoolBuilder {
        ThreadPoolBuilder::new().num_threads(2)
    }

    #[test]
    fn same_process_gets_same_pool() {
        let pools = ProcessPool::new(two_threads);
        let first = pools.get().unwrap();
        let second = pools.get().unwrap();
        assert!(std::ptr::eq(first, second));
        assert_eq!(first.current_num_threads(), 2);
    }

    #[test]
    fn new_process_id_gets_new_pool() {
        let pools = ProcessPool::new(two_threads);
        let parent = pools.get_for(100).unwrap();
        let child = pools.get_for(101).unwrap();
        let grandchild = pools.get_for(102).unwrap();
        assert!(!std::ptr::eq(parent, child));
        assert!(!std::ptr::eq(child, grandchild));
        assert!(!std::ptr::eq(parent, grandchild));
        // The earlier pools stay in the chain and are found again.
        assert!(std::ptr::eq(pools.get_for(100).unwrap(), parent));
        assert!(std::ptr::eq(pools.get_for(101).unwrap(), child));
        // A pool kept in the chain still runs work.
        assert_eq!(parent.install(|| rayon::join(|| 1, || 2)), (1, 2));
    }

    #[test]
    fn work_inside_install_stays_on_pool() {
        let pools = ProcessPool::new(|| {
            ThreadPoolBuilder::new()
                .num_threads(3)
                .thread_name(|index| format!("test-pool-{index}"))
        });
        let pool = pools.get().unwrap();
        let on_pool = || {
            std::thread::current()
                .name()
                .is_some_and(|name| name.starts_with("test-pool-"))
        };
        let (sender, receiver) = std::sync::mpsc::channel();
        let (joined, counted, scoped) = pool.install(|| {
            use rayon::prelude::*;

            let joined = rayon::join(on_pool, on_pool);
            let counted = (0..1000).into_par_iter().filter(|_| on_pool()).count();
            let scoped = rayon::scope(|scope| {
                let (inner_sender, inner_receiver) = std::sync::mpsc::channel();
                scope.spawn(move |_| inner_sender.send(on_pool()).unwrap());
                inner_receiver.recv().unwrap()
            });
            // `rayon::spawn` outlives `install`, so its result arrives later.
            rayon::spawn(move || sender.send(on_pool()).unwrap());
            assert_eq!(rayon::current_num_threads(), 3);
            (joined, counted, scoped)
        });
        assert_eq!(joined, (true, true));
        assert_eq!(counted, 1000);
        assert!(scoped);
        assert!(receiver.recv().unwrap());
    }
}
