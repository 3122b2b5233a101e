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

/// Applies `map` to each item of `items` with the item of `with` at the
/// same position, taking both by value, and returns the results in the
/// order of the items, in one vector allocated for all of them. Each item is
/// dropped as soon as `map` returns, so memory `map` does not move into its
/// result is freed while the others are mapped. Items past the end of the
/// shorter vector are dropped unmapped.
pub(super) fn map_owned_in_order<T, U, R, F>(items: Vec<T>, with: Vec<U>, map: F) -> Vec<R>
where
    T: Send,
    U: Send,
    R: Send,
    F: Fn(T, U) -> R + Sync + Send,
{
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        items
            .into_par_iter()
            .zip(with)
            .map(|(item, other)| map(item, other))
            .collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        items
            .into_iter()
            .zip(with)
            .map(|(item, other)| map(item, other))
            .collect()
    }
}
