//! Criterion benches of the matching index over generated data on the built-in starter
//! taxonomy (20,000 vacancies, 20,000 seekers): seeker → top 20 vacancies, vacancy → top 20
//! seekers, and a filtered search with facets. `openpes bench match` measures the same at
//! national scale with ESCO (BENCHMARKS.md).

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use openpes_matching::demo::{generate, DemoOptions};
use openpes_matching::search::{SearchFilters, SearchQuery, SortOrder, TextQuery};
use openpes_matching::{ContractType, Gazetteer, MatchIndex, MatchQuery};
use openpes_taxonomy::{starter::starter_dataset, Taxonomy};
use std::hint::black_box;
use std::sync::Arc;

fn matching(c: &mut Criterion) {
    let Ok(dataset) = starter_dataset() else {
        eprintln!("the starter taxonomy does not parse; nothing to bench");
        return;
    };
    let Ok((taxonomy, _)) = Taxonomy::build(vec![dataset]) else {
        return;
    };
    let taxonomy = Arc::new(taxonomy);
    let Ok(gazetteer) = Gazetteer::taiwan() else {
        return;
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default();
    let Ok(data) = generate(
        &taxonomy,
        &gazetteer,
        DemoOptions {
            seekers: 20_000,
            vacancies: 20_000,
            seed: 3,
            today,
        },
    ) else {
        return;
    };
    let mut index = MatchIndex::new(Arc::clone(&taxonomy));
    for v in &data.vacancies {
        let _ = index.upsert_vacancy(v);
    }
    for s in &data.seekers {
        let _ = index.upsert_seeker(s);
    }
    let query = MatchQuery { limit: 20, today };

    let mut group = c.benchmark_group("matching");
    let mut seekers = data.seekers.iter().cycle();
    group.bench_function("seeker_to_top20_vacancies", |b| {
        b.iter(|| {
            let s = seekers.next().map_or("", |s| s.id.as_str());
            black_box(index.vacancies_for(s, &query).map(|r| r.len()))
        })
    });
    let mut vacancies = data.vacancies.iter().cycle();
    group.bench_function("vacancy_to_top20_seekers", |b| {
        b.iter(|| {
            let v = vacancies.next().map_or("", |v| v.id.as_str());
            black_box(index.seekers_for(v, &query).map(|r| r.len()))
        })
    });
    let taipei = index.gazetteer().position("TW-TPE");
    let mut texts = data
        .vacancies
        .iter()
        .filter_map(|v| v.occupation.as_deref().and_then(|o| taxonomy.by_uri(o)))
        .cycle();
    group.bench_function("search_text_region_contract_with_facets", |b| {
        b.iter(|| {
            let search = SearchQuery {
                text: TextQuery {
                    occupations: texts.next().into_iter().collect(),
                    ..TextQuery::default()
                },
                filters: SearchFilters {
                    places: taipei.into_iter().collect(),
                    contracts: vec![ContractType::Permanent],
                    ..SearchFilters::default()
                },
                sort: SortOrder::Relevance,
                after: None,
                limit: 20,
                today,
            };
            black_box(index.search(&search).map(|p| p.total))
        })
    });
    group.bench_function("search_all_by_date_with_facets", |b| {
        b.iter(|| {
            let search = SearchQuery {
                text: TextQuery::default(),
                filters: SearchFilters::default(),
                sort: SortOrder::Date,
                after: None,
                limit: 20,
                today,
            };
            black_box(index.search(&search).map(|p| p.total))
        })
    });
    group.finish();
}

criterion_group!(benches, matching);
criterion_main!(benches);
