//! Criterion benches of guidance: reachable occupations for one seeker, a gap analysis and a
//! course plan. With `OPENPES_BENCH_ESCO` naming an ESCO CSV directory they run on the full
//! ESCO taxonomy (the targets are set for it, with 1 M vacancies and 50 k courses); otherwise
//! on the built-in starter taxonomy. `OPENPES_BENCH_VACANCIES` and `OPENPES_BENCH_COURSES`
//! set the sizes (default 1,000,000 and 50,000). `openpes bench guidance` measures the same
//! with latency percentiles (BENCHMARKS.md).

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};
use openpes_guidance::courses::CourseQuery;
use openpes_guidance::demo::generate_courses;
use openpes_guidance::{Demand, GapItem, GapTarget, Guidance};
use openpes_matching::demo::{generate, DemoOptions};
use openpes_matching::{Gazetteer, MatchIndex};
use openpes_taxonomy::import::esco::import_esco;
use openpes_taxonomy::{starter::starter_dataset, Taxonomy};
use std::hint::black_box;
use std::sync::Arc;

fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn taxonomy() -> Option<Taxonomy> {
    let dataset = match std::env::var("OPENPES_BENCH_ESCO") {
        Ok(dir) if !dir.is_empty() => import_esco(std::path::Path::new(&dir), None).ok()?,
        _ => starter_dataset().ok()?,
    };
    Taxonomy::build(vec![dataset]).ok().map(|(t, _)| t)
}

fn guidance(c: &mut Criterion) {
    let Some(taxonomy) = taxonomy() else {
        eprintln!("no taxonomy could be loaded; nothing to bench");
        return;
    };
    let taxonomy = Arc::new(taxonomy);
    let Ok(gazetteer) = Gazetteer::taiwan() else {
        return;
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default();
    let vacancies = size("OPENPES_BENCH_VACANCIES", 1_000_000);
    let courses = size("OPENPES_BENCH_COURSES", 50_000);
    let Ok(data) = generate(
        &taxonomy,
        &gazetteer,
        DemoOptions {
            seekers: 200,
            vacancies,
            seed: 5,
            today,
        },
    ) else {
        return;
    };
    let Ok(catalog) = generate_courses(&taxonomy, &gazetteer, courses, 6, today) else {
        return;
    };
    let mut index = MatchIndex::new(Arc::clone(&taxonomy));
    for v in &data.vacancies {
        let _ = index.upsert_vacancy(v);
    }
    let mut guide = Guidance::new();
    for course in &catalog {
        let _ = guide.upsert_course(&index, course);
    }
    drop(catalog);
    let views: Vec<_> = data
        .seekers
        .iter()
        .filter_map(|s| index.seeker_view(s).ok())
        .collect();
    drop(data);
    let demand = Demand::build(&index, today);
    let targets: Vec<_> = views
        .iter()
        .map(|v| {
            guide
                .reachable(&index, v, &demand, 3)
                .into_iter()
                .map(|r| r.occupation)
                .collect::<Vec<_>>()
        })
        .collect();

    let mut group = c.benchmark_group("guidance");
    let mut seekers = views.iter().cycle();
    group.bench_function("reachable_top10", |b| {
        b.iter(|| {
            let Some(view) = seekers.next() else { return 0 };
            black_box(guide.reachable(&index, view, &demand, 10).len())
        })
    });
    let mut pairs = views.iter().zip(targets.iter()).cycle();
    group.bench_function("gap_to_occupation", |b| {
        b.iter(|| {
            let Some((view, targets)) = pairs.next() else {
                return 0;
            };
            let Some(target) = targets.first() else {
                return 0;
            };
            black_box(
                guide
                    .gap(&index, view, &GapTarget::Occupation(*target), &demand)
                    .map_or(0, |g| g.missing.len()),
            )
        })
    });
    let queries: Vec<CourseQuery> = views
        .iter()
        .zip(targets.iter())
        .map(|(view, targets)| {
            let gaps: Vec<Vec<GapItem>> = targets
                .iter()
                .filter_map(|t| {
                    guide
                        .gap(&index, view, &GapTarget::Occupation(*t), &demand)
                        .ok()
                })
                .map(|g| g.missing)
                .collect();
            let lists: Vec<&[GapItem]> = gaps.iter().map(Vec::as_slice).collect();
            CourseQuery {
                gaps: CourseQuery::weights(&lists),
                earliest: today,
                latest: today.checked_add_days(Days::new(180)).unwrap_or(today),
                location: view.location,
                max_distance_km: 50.0,
                online: true,
                in_person: true,
                max_courses: 3,
                max_cost: None,
            }
        })
        .collect();
    let mut plans = queries.iter().cycle();
    group.bench_function("course_plan_3_courses", |b| {
        b.iter(|| {
            let Some(query) = plans.next() else { return 0 };
            black_box(guide.recommend_courses(query).picks.len())
        })
    });
    group.finish();
}

criterion_group!(benches, guidance);
criterion_main!(benches);
