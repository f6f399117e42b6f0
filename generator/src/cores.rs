//! Work spread over every core. Results come back in the order of the input, so what the
//! generator produces never depends on which thread finished first.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` applied to every item, on one thread per core, each thread taking the next item in turn.
/// An item on which `f` panicked gets `lost(item)` instead, so a bug reports, never aborts.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync, lost: impl Fn(&T) -> R) -> Vec<R> {
    let f = |item: &T| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(item))).ok();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len());
    if threads <= 1 {
        return items.iter().map(|item| f(item).unwrap_or_else(|| lost(item))).collect();
    }
    let next = AtomicUsize::new(0);
    let done: Vec<(usize, Option<R>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break out };
                        out.push((i, f(item)));
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_default()).collect()
    });
    let mut slots: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    for (i, r) in done {
        slots[i] = r;
    }
    slots.into_iter().zip(items).map(|(r, item)| r.unwrap_or_else(|| lost(item))).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order_and_survives_a_panic() {
        let items: Vec<u32> = (0..200).collect();
        let out = super::map(&items, |&i| if i == 17 { panic!("deliberate") } else { i * 2 }, |_| u32::MAX);
        assert_eq!(out.len(), 200);
        assert_eq!(out[16], 32);
        assert_eq!(out[17], u32::MAX);
        assert_eq!(out[199], 398);
    }
}
