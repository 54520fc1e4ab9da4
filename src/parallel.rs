//! Work spread over threads: projects load, and a large project's checks run, on every core.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Below this many services a project's work stays on one thread: spawning costs more than
/// it saves.
const PARALLEL_FROM: usize = 100;

/// How many threads work on a project of `services` services: one for a small project, else
/// every core.
pub fn workers(services: usize) -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    if services < PARALLEL_FROM {
        return 1;
    }
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `f` over every item on `workers` threads (the calling thread is one of them, so one
/// worker spawns nothing); each thread takes the next item. Results are in `items`' order.
pub fn map_in_order<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let work = || {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            mine.push((i, f(item)));
        }
        mine
    };
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let others: Vec<_> = (1..workers).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for handle in others {
            all.extend(
                handle
                    .join()
                    .expect("internal error: a worker thread panicked"),
            );
        }
        all
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::map_in_order;

    #[test]
    fn results_keep_the_items_order() {
        let items: Vec<u32> = (0..100).collect();
        for workers in [1, 2, 4] {
            let squares = map_in_order(&items, workers, |n| n * n);
            assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
        }
    }
}
