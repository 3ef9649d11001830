//! Typeahead latency over every label of ESCO v1.1.1 (English): the whole taxonomy is built
//! once from `../shared/data/esco/v1.1.1-en`, then each benchmark runs one realistic query
//! shape — a one-letter start, prefixes, whole words, a typo, several words. The target is a
//! p50 under 1 ms per query. Skipped (with a message) when the shared data is absent.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use openpes_taxonomy::import::esco::import_esco;
use openpes_taxonomy::{SearchOptions, Taxonomy};
use std::hint::black_box;
use std::path::PathBuf;

const QUERIES: [(&str, &str); 8] = [
    ("one_letter", "n"),
    ("prefix_3", "nur"),
    ("word", "nurse"),
    ("typo", "nurze "),
    ("two_words", "software dev"),
    ("three_words", "manage a team of"),
    ("skill_phrase", "use spreadsheets software"),
    ("no_match", "qqqxyz"),
];

fn esco_dir() -> Option<PathBuf> {
    let base = std::env::var_os("OPENPES_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let dir = base.join("esco/v1.1.1-en");
    dir.exists().then_some(dir)
}

fn typeahead(c: &mut Criterion) {
    let Some(dir) = esco_dir() else {
        eprintln!("SKIPPED: ESCO v1.1.1 not found under OPENPES_SHARED_DATA or ../shared/data");
        return;
    };
    let dataset = match import_esco(&dir, None) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("SKIPPED: cannot import ESCO: {e}");
            return;
        }
    };
    let taxonomy = match Taxonomy::build(vec![dataset.clone()]) {
        Ok((t, _)) => t,
        Err(e) => {
            eprintln!("SKIPPED: cannot build the taxonomy: {e}");
            return;
        }
    };
    eprintln!(
        "typeahead index: {} labels, {} concepts",
        taxonomy.indexed_labels(),
        taxonomy.concepts().len()
    );
    let mut group = c.benchmark_group("typeahead");
    for (name, query) in QUERIES {
        let options = SearchOptions {
            limit: 10,
            ..Default::default()
        };
        group.bench_function(name, |b| {
            b.iter(|| black_box(taxonomy.search_with_codes(black_box(query), &options)))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("read_model");
    group.sample_size(10);
    group.bench_function("build_full_esco", |b| {
        b.iter_batched(
            || dataset.clone(),
            |d| black_box(Taxonomy::build(vec![d]).map(|(t, _)| t.concepts().len())),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, typeahead);
criterion_main!(benches);
