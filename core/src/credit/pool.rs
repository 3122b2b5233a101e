//! The few pool operations the ledger and the engine share, on the rayon
//! thread pool with the `parallel` feature and in order on the calling
//! thread without it. Both ways give the same results.

/// Runs `first` and `second`, at the same time when the pool has a free
/// thread, and returns both results.
pub(super) fn join<A, B, RA, RB>(first: A, second: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    #[cfg(feature = "parallel")]
    {
        rayon::join(first, second)
    }
    #[cfg(not(feature = "parallel"))]
    {
        (first(), second())
    }
}

/// Applies `map` to every item of `items` and returns the results in the
/// order of the items.
pub(super) fn map_in_order<T, R, F>(items: &[T], map: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync + Send,
{
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        items.par_iter().map(map).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        items.iter().map(map).collect()
    }
}
