//! Work spread over threads: projects load, and a large project's values convert and its
//! checks run, on every core.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Below this many services a project's work stays on one thread: spawning costs more than
/// it saves.
const PARALLEL_FROM: usize = 100;

/// How many threads work on a project of `services` services: one for a small project, else
/// every core.
pub(crate) fn workers(services: usize) -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    if services < PARALLEL_FROM {
        return 1;
    }
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `f` over every item on `workers` threads (the calling thread is one of them, so one
/// worker spawns nothing); each thread takes the next item. Results are in `items`' order.
pub(crate) fn map_in_order<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let mut done = on_threads(0..workers.max(1), |_| {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            mine.push((i, f(item)));
        }
        mine
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// `f` over every item, mutably, on `workers` threads that each take an equal run of items
/// (the calling thread is one of them). Results are in `items`' order.
pub(crate) fn map_mut_in_order<T: Send, R: Send>(
    items: &mut [T],
    workers: usize,
    f: impl Fn(&mut T) -> R + Sync,
) -> Vec<R> {
    let run = items.len().div_ceil(workers.max(1)).max(1);
    on_threads(items.chunks_mut(run), |items| {
        items.iter_mut().map(&f).collect()
    })
}

/// `work` on every job, each on a thread of its own but the first, which the calling thread
/// does; the results of the jobs one after another.
fn on_threads<J: Send, R: Send>(
    mut jobs: impl Iterator<Item = J>,
    work: impl Fn(J) -> Vec<R> + Sync,
) -> Vec<R> {
    let work = &work;
    std::thread::scope(|scope| {
        let first = jobs.next();
        let others: Vec<_> = jobs.map(|job| scope.spawn(move || work(job))).collect();
        let mut all = first.map_or_else(Vec::new, work);
        for handle in others {
            all.extend(
                handle
                    .join()
                    .expect("internal error: a worker thread panicked"),
            );
        }
        all
    })
}

#[cfg(test)]
mod tests {
    use super::{map_in_order, map_mut_in_order};

    #[test]
    fn results_keep_the_items_order() {
        let items: Vec<u32> = (0..100).collect();
        for workers in [1, 2, 4] {
            let squares = map_in_order(&items, workers, |n| n * n);
            assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn mutable_results_keep_the_items_order() {
        for (len, workers) in [(0, 2), (1, 2), (7, 2), (100, 3), (5, 8)] {
            let mut items: Vec<u32> = (0..len).collect();
            let old = map_mut_in_order(&mut items, workers, |n| {
                *n += 1;
                *n - 1
            });
            assert_eq!(old, (0..len).collect::<Vec<_>>());
            assert_eq!(items, (1..=len).collect::<Vec<_>>());
        }
    }
}
