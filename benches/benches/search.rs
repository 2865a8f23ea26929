//! Exact Hamming search over indicator files.
//!
//! Groups (criterion ids in brackets):
//! - `kernel/<level>`: the raw scan kernel, [`kenmerk::hamming::scan`], on
//!   each instruction-set level this CPU has (scalar, avx2, avx512; the others
//!   are skipped with a message), 1,000,000 records x 8 queries, radius 31,
//!   one thread. Throughput counts (record, query) pairs.
//! - `search-1m/<method>`: [`IndexView::search`] with `Flat`, `Mih` and `Auto`
//!   on a 1,000,000-indicator file built in memory with [`to_bytes`], 500
//!   queries (half planted within 0..31 bits of an indicator, half random),
//!   radius 31, on a one-thread rayon pool. Throughput counts queries.
//! - `search-10m/<method>/<threads>` and `open-10m`: only when the generated
//!   data of `tools/bench/search/make_data.py` is present
//!   (`target/bench-search/db-10m.kmk` and `queries-10m.txt`; otherwise a
//!   message says they were skipped). The 2,000 queries for `Mih`/`Auto`, the
//!   first 256 for `Flat` (a flat scan applies every query of the batch to
//!   each cache block, which it regroups once per batch, so beyond a few
//!   dozen queries its time per query hardly depends on the batch size), on a
//!   1-thread pool and on one thread per core. `open-10m` is `Index::open` + `view()` with the file
//!   in the page cache; before it, one line reports how much of the mapping
//!   a fresh open made resident in this process (from `/proc/self/smaps`).
//!
//! The in-memory data comes from a fixed SplitMix64 seed, so every run
//! measures the same bytes; every method's result is checked against the
//! flat scan's before anything is timed.
//!
//! Run: `cargo bench -p kenmerk-benches --bench search -- --noplot`, not
//! pinned to a core (the one-thread figures run on a one-thread rayon pool;
//! under `taskset -c 0` the all-threads runs are left out).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use kenmerk::Hash256;
use kenmerk::hamming::{self, Level, Record};
use kenmerk::index::{Index, IndexView, Indicator, Method, WriteOptions, to_bytes};

const RADIUS: u32 = 31;
const KERNEL_RECORDS: usize = 1_000_000;
const KERNEL_QUERIES: usize = 8;
const SEARCH_RECORDS: usize = 1_000_000;
const SEARCH_QUERIES: usize = 500;
/// Queries of the 10M flat scan (see the module docs).
const FLAT_10M_QUERIES: usize = 256;

/// SplitMix64: fixed output for a fixed seed.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn record(&mut self) -> Record {
        let mut r = [0u8; 32];
        for chunk in r.chunks_exact_mut(8) {
            chunk.copy_from_slice(&self.next().to_le_bytes());
        }
        r
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `n` random records and `q` queries: even ones planted (a copy of a random
/// record with 0..=31 random bits flipped, possibly the same bit twice, so
/// at most 31 apart), odd ones random.
fn make_data(seed: u64, n: usize, q: usize) -> (Vec<Record>, Vec<Record>) {
    let mut rng = SplitMix64(seed);
    let records: Vec<Record> = (0..n).map(|_| rng.record()).collect();
    let queries = (0..q)
        .map(|i| {
            if i % 2 == 1 {
                return rng.record();
            }
            let mut r = records[rng.below(n)];
            for _ in 0..rng.below(RADIUS as usize + 1) {
                let bit = rng.below(256);
                r[bit / 8] ^= 1 << (bit % 8);
            }
            r
        })
        .collect();
    (records, queries)
}

fn one_thread() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool starts")
}

fn all_threads() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .build()
        .expect("a rayon pool starts")
}

fn bench_kernel(c: &mut Criterion) {
    let (records, queries) = make_data(1, KERNEL_RECORDS, KERNEL_QUERIES);
    let radii = [RADIUS; KERNEL_QUERIES];
    let mut expected = Vec::new();
    hamming::scan(Level::Scalar, &records, &queries, &radii, &mut expected);
    let mut group = c.benchmark_group("kernel");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(
            (KERNEL_RECORDS * KERNEL_QUERIES) as u64,
        ));
    for level in [Level::Scalar, Level::Avx2, Level::Avx512] {
        if !level.is_supported() {
            println!("kernel/{}: skipped, this CPU lacks it", level.name());
            continue;
        }
        let mut hits = Vec::new();
        hamming::scan(level, &records, &queries, &radii, &mut hits);
        assert_eq!(
            hits,
            expected,
            "{} kernel disagrees with scalar",
            level.name()
        );
        group.bench_function(level.name(), |b| {
            b.iter(|| {
                hits.clear();
                hamming::scan(level, black_box(&records), &queries, &radii, &mut hits);
                black_box(hits.len())
            })
        });
    }
    group.finish();
}

fn method_name(method: Method) -> &'static str {
    match method {
        Method::Auto => "auto",
        Method::Flat => "flat",
        Method::Mih => "mih",
    }
}

fn bench_search_1m(c: &mut Criterion) {
    let (records, queries) = make_data(2, SEARCH_RECORDS, SEARCH_QUERIES);
    let indicators: Vec<(Hash256, Indicator)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (Hash256::from_bytes(*r), Indicator::image(i as u64, 100)))
        .collect();
    drop(records);
    let bytes = to_bytes(&indicators, &WriteOptions::default());
    drop(indicators);
    let view = IndexView::from_bytes(&bytes).expect("to_bytes makes a valid file");
    let queries: Vec<Hash256> = queries.into_iter().map(Hash256::from_bytes).collect();
    let pool = one_thread();
    let expected = view
        .search(&queries, RADIUS, Method::Flat)
        .expect("flat search");
    println!(
        "search-1m: {} indicators, {} queries, radius {RADIUS}: {} matches; auto plans {:?}",
        view.len(),
        queries.len(),
        expected.len(),
        view.plan(RADIUS)
    );
    let mut group = c.benchmark_group("search-1m");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(queries.len() as u64));
    for method in [Method::Flat, Method::Mih, Method::Auto] {
        let found = view.search(&queries, RADIUS, method).expect("search");
        assert_eq!(found, expected, "{method:?} disagrees with the flat scan");
        group.bench_function(method_name(method), |b| {
            b.iter(|| {
                pool.install(|| view.search(black_box(&queries), RADIUS, method))
                    .expect("search")
                    .len()
            })
        });
    }
    group.finish();
}

/// The generated 10M data, if `make_data.py` and `db import` have run.
fn data_10m() -> Option<(PathBuf, Vec<Hash256>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-search");
    let db = dir.join("db-10m.kmk");
    let text = std::fs::read_to_string(dir.join("queries-10m.txt")).ok()?;
    if !db.exists() {
        return None;
    }
    let queries = text
        .lines()
        .map(|l| l.trim().parse::<Hash256>())
        .collect::<Result<Vec<_>, _>>()
        .ok()?;
    Some((db, queries))
}

/// Resident kilobytes of this process's mappings of `path` (`Rss` in
/// `/proc/self/smaps`), or None where that file cannot be read.
fn resident_kib(path: &Path) -> Option<u64> {
    let smaps = std::fs::read_to_string("/proc/self/smaps").ok()?;
    let name = path.canonicalize().ok()?;
    let name = name.to_string_lossy();
    let mut inside = false;
    let mut total = 0;
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if first.contains('-') && !first.ends_with(':') {
            // A mapping's header line: "start-end perms offset dev inode path".
            inside = line.ends_with(name.as_ref());
        } else if inside && first == "Rss:" {
            total += line
                .split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    Some(total)
}

fn bench_10m(c: &mut Criterion) {
    let Some((db, queries)) = data_10m() else {
        println!(
            "search-10m, open-10m: skipped (run tools/bench/search/make_data.py and \
             `kenmerk db import --raw` first, see BENCHMARKS.md)"
        );
        return;
    };
    // What one open costs and makes resident, before anything else maps it.
    let start = Instant::now();
    let index = Index::open(&db).expect("the generated file opens");
    let view = index.view();
    let open_time = start.elapsed();
    let file_bytes = view.info().file_bytes;
    println!(
        "open-10m: first Index::open + view() {:.1} us; {} of {} KiB of the mapping resident \
         in this process afterwards",
        open_time.as_secs_f64() * 1e6,
        resident_kib(&db).map_or("unknown".to_string(), |k| k.to_string()),
        file_bytes / 1024
    );
    drop(index);

    let mut group = c.benchmark_group("open-10m");
    group
        .sample_size(50)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    group.bench_function("open+view", |b| {
        b.iter(|| {
            let index = Index::open(black_box(&db)).expect("open");
            black_box(index.view().len())
        })
    });
    group.finish();

    let index = Index::open(&db).expect("open");
    let view = index.view();
    let flat_queries = &queries[..FLAT_10M_QUERIES.min(queries.len())];
    // Checked once, untimed: MIH and the flat scan agree on the flat batch.
    let single = one_thread();
    let all = all_threads();
    let flat = all
        .install(|| view.search(flat_queries, RADIUS, Method::Flat))
        .expect("flat");
    let mih = all
        .install(|| view.search(flat_queries, RADIUS, Method::Mih))
        .expect("mih");
    assert_eq!(flat, mih, "MIH disagrees with the flat scan on 10M");
    println!(
        "search-10m: {} indicators; {} queries for mih/auto, {} for flat; auto plans {:?}",
        view.len(),
        queries.len(),
        flat_queries.len(),
        view.plan(RADIUS)
    );

    let mut group = c.benchmark_group("search-10m");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    let mut pools = vec![(&single, 1)];
    if all.current_num_threads() > 1 {
        pools.push((&all, all.current_num_threads()));
    } else {
        println!("search-10m: this process may use one core only: no all-threads runs");
    }
    for (pool, threads) in pools {
        for method in [Method::Mih, Method::Auto, Method::Flat] {
            let batch = if method == Method::Flat {
                flat_queries
            } else {
                &queries[..]
            };
            group.throughput(Throughput::Elements(batch.len() as u64));
            let id = BenchmarkId::new(method_name(method), format!("{threads}-thread"));
            group.bench_function(id, |b| {
                b.iter(|| {
                    pool.install(|| view.search(black_box(batch), RADIUS, method))
                        .expect("search")
                        .len()
                })
            });
        }
    }
    group.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench_kernel(&mut c);
    bench_search_1m(&mut c);
    bench_10m(&mut c);
    c.final_summary();
}
