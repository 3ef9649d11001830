//! Extraction speed over the full ESCO v1.1.1 English taxonomy and 1,000 real job ads
//! (`../shared/data/job-ads/linkedin_us_2024_sample_1000.csv`), one thread:
//!
//! - `dictionary_scan`: the label dictionary over all ads (target ≥ 50 MB/s);
//! - `rank_sentence`: ranking skills for one sentence that names none (target ≥ 2,000/s);
//! - `extract_vacancy`: the whole extraction of one ad (dictionary, cues, similarity).
//!
//! Criterion reports bytes per second for the scan. Skipped (with a message) when the shared
//! data is absent.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use openpes_extract::{Extractor, TextKind};
use openpes_taxonomy::import::esco::import_esco;
use openpes_taxonomy::Taxonomy;
use std::hint::black_box;
use std::path::PathBuf;

fn shared_data() -> PathBuf {
    std::env::var_os("OPENPES_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn load() -> Result<(Taxonomy, Vec<String>), String> {
    let base = shared_data();
    let dataset = import_esco(&base.join("esco/v1.1.1-en"), None).map_err(|e| e.to_string())?;
    let (taxonomy, _) = Taxonomy::build(vec![dataset]).map_err(|e| e.to_string())?;
    let path = base.join("job-ads/linkedin_us_2024_sample_1000.csv");
    let mut reader = csv::Reader::from_path(&path).map_err(|e| e.to_string())?;
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(title), Some(description)) = (column("title"), column("description")) else {
        return Err(format!("{} lacks title/description", path.display()));
    };
    let mut ads = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        ads.push(format!(
            "{}\n{}",
            record.get(title).unwrap_or(""),
            record.get(description).unwrap_or("")
        ));
    }
    Ok((taxonomy, ads))
}

fn extraction(c: &mut Criterion) {
    let (taxonomy, ads) = match load() {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("SKIPPED: shared data (ESCO v1.1.1 + LinkedIn ads) not usable: {e}");
            return;
        }
    };
    let extractor = Extractor::build(&taxonomy, "en");
    let bytes: usize = ads.iter().map(String::len).sum();

    let mut group = c.benchmark_group("extraction");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("dictionary_scan_1000_ads", |b| {
        b.iter(|| {
            for ad in &ads {
                black_box(extractor.find_labels(ad, "en"));
            }
        })
    });
    group.finish();

    let sentences: Vec<&str> = ads
        .iter()
        .flat_map(|ad| ad.split(['.', '\n']))
        .filter(|s| s.split_whitespace().count() >= 4)
        .take(200)
        .collect();
    let mut group = c.benchmark_group("extraction");
    group.throughput(Throughput::Elements(sentences.len() as u64));
    group.bench_function("rank_200_sentences", |b| {
        b.iter(|| {
            for s in &sentences {
                black_box(extractor.rank_skills(s, 10));
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("extraction");
    group.throughput(Throughput::Elements(1));
    let ad = &ads[0];
    group.bench_function("extract_one_vacancy", |b| {
        b.iter(|| black_box(extractor.extract(&taxonomy, ad, TextKind::Vacancy, Some("en"))))
    });
    group.finish();
}

criterion_group!(benches, extraction);
criterion_main!(benches);
