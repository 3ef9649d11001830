//! Criterion benches: one determination with its trace, and a batch recomputation.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use openpes_rules::{suite, Engine};

fn determinations(c: &mut Criterion) {
    let engine = match Engine::builtin() {
        Ok(engine) => engine,
        Err(error) => panic!("built-in rules must load: {error}"),
    };
    let suites = match suite::builtin(&engine) {
        Ok(suites) => suites,
        Err(error) => panic!("built-in suites must load: {error}"),
    };
    let cases: Vec<_> = suites
        .iter()
        .flat_map(|s| s.cases.iter().map(move |case| (s.program.as_str(), case)))
        .collect();
    let Some((program, first)) = cases.first().copied() else {
        return;
    };
    c.bench_function("single determination with trace", |b| {
        b.iter(|| engine.determine(black_box(program), black_box(&first.facts), first.as_of))
    });
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(cases.len() as u64));
    group.bench_function("all suite cases", |b| {
        b.iter(|| {
            for (program, case) in &cases {
                let _ = black_box(engine.determine(program, &case.facts, case.as_of));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, determinations);
criterion_main!(benches);
