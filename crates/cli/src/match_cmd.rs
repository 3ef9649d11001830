//! `openpes demo generate` (synthetic employers, vacancies and seekers, to the database or as
//! JSON lines), the demo set `serve` stores on first run, and `openpes bench match` (index
//! build time, memory and query latency percentiles in both directions).

use crate::config::Config;
use crate::extract_cmd::{load_taxonomy, TaxonomyArg};
use anyhow::{Context, Result};
use chrono::Utc;
use openpes_app::matching::describe;
use openpes_app::words::UiLang;
use openpes_matching::demo::{generate, DemoData, DemoOptions};
use openpes_matching::search::{SearchFilters, SearchQuery, SortOrder, TextQuery};
use openpes_matching::{Gazetteer, MatchIndex, MatchQuery};
use openpes_store::Store;
use openpes_taxonomy::Taxonomy;
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Vacancies and seekers in the demo set `serve` stores when the database has none.
const FIRST_RUN_VACANCIES: usize = 300;
const FIRST_RUN_SEEKERS: usize = 150;
const FIRST_RUN_SEED: u64 = 20_261_126;

#[derive(Debug, clap::Subcommand)]
pub(crate) enum DemoCommand {
    /// Generate synthetic employers, vacancies and seekers from the taxonomy's occupation
    /// profiles and the gazetteer.
    Generate {
        #[arg(long, default_value_t = 100)]
        seekers: usize,
        #[arg(long, default_value_t = 200)]
        vacancies: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write `employers.jsonl`, `vacancies.jsonl` and `seekers.jsonl` here instead of
        /// storing them in the database.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn options(seekers: usize, vacancies: usize, seed: u64) -> DemoOptions {
    DemoOptions {
        seekers,
        vacancies,
        seed,
        today: Utc::now().date_naive(),
    }
}

async fn store_demo(store: &Store, data: &DemoData) -> Result<()> {
    let now = Utc::now();
    for employer in &data.employers {
        store.put_employer(employer, now).await?;
    }
    for chunk in data.vacancies.chunks(1_000) {
        store.put_vacancies(chunk, now).await?;
    }
    for seeker in &data.seekers {
        store.put_seeker(seeker, now).await?;
    }
    Ok(())
}

fn write_lines<T: serde::Serialize>(dir: &Path, name: &str, records: &[T]) -> Result<()> {
    let path = dir.join(name);
    let file = std::fs::File::create(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    for record in records {
        serde_json::to_writer(&mut out, record)?;
        out.write_all(b"\n")?;
    }
    out.flush()
        .with_context(|| format!("cannot write {}", path.display()))
}

pub(crate) async fn demo(config: &Config, command: DemoCommand) -> Result<()> {
    let DemoCommand::Generate {
        seekers,
        vacancies,
        seed,
        out,
    } = command;
    let url = config.database_url();
    let store = crate::open_store(&url).await?;
    crate::taxonomy_cmd::ensure_taxonomy(&store).await?;
    let (taxonomy, _) = openpes_app::load_taxonomy(&store).await?;
    let gazetteer = Gazetteer::taiwan()?;
    let data = generate(&taxonomy, &gazetteer, options(seekers, vacancies, seed))?;
    match out {
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            write_lines(&dir, "employers.jsonl", &data.employers)?;
            write_lines(&dir, "vacancies.jsonl", &data.vacancies)?;
            write_lines(&dir, "seekers.jsonl", &data.seekers)?;
        }
        None => store_demo(&store, &data).await?,
    }
    println!(
        "{}",
        json!({"employers": data.employers.len(), "vacancies": data.vacancies.len(),
               "seekers": data.seekers.len(), "seed": seed})
    );
    Ok(())
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum MatchCommand {
    /// The best open vacancies for a job seeker, explained.
    Seeker {
        id: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Language of labels and explanations: `zh-TW` or `en`.
        #[arg(long, default_value = "zh-TW")]
        lang: String,
    },
    /// The best candidates (seekers who consented to be found) for a vacancy, explained.
    Vacancy {
        id: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long, default_value = "zh-TW")]
        lang: String,
    },
}

/// `openpes match seeker|vacancy ID`: the same explained results as the API, from the
/// database, as one JSON object.
pub(crate) async fn match_records(config: &Config, command: MatchCommand) -> Result<()> {
    let url = config.database_url();
    let store = crate::open_store(&url).await?;
    crate::taxonomy_cmd::ensure_taxonomy(&store).await?;
    let (taxonomy, _) = openpes_app::load_taxonomy(&store).await?;
    let state = openpes_app::App::new(store, taxonomy);
    state.load_matching().await?;
    let (id, limit, lang, seeker) = match command {
        MatchCommand::Seeker { id, limit, lang } => (id, limit, lang, true),
        MatchCommand::Vacancy { id, limit, lang } => (id, limit, lang, false),
    };
    let ui = UiLang::from_tag(&lang)
        .with_context(|| format!("unknown language '{lang}' (zh-TW or en)"))?;
    let tag = ui.tag();
    let query = MatchQuery {
        limit: limit.clamp(1, 100),
        today: Utc::now().date_naive(),
    };
    let index = state.matching();
    let index = index.read().unwrap_or_else(|p| p.into_inner());
    let ranked = if seeker {
        index.vacancies_for(&id, &query)?
    } else {
        index.seekers_for(&id, &query)?
    };
    let results: Vec<_> = ranked
        .iter()
        .map(|r| describe(index.taxonomy(), r, ui, tag))
        .collect();
    println!("{}", serde_json::to_string(&json!({ "results": results }))?);
    Ok(())
}

/// Stores a small demo set when the database holds no vacancies and no seekers, so that a
/// first `serve` shows real matches. Returns whether it did.
pub(crate) async fn ensure_demo(store: &Store, taxonomy: &Taxonomy) -> Result<bool> {
    if store.has_matching_records().await? {
        return Ok(false);
    }
    let gazetteer = Gazetteer::taiwan()?;
    let data = generate(
        taxonomy,
        &gazetteer,
        options(FIRST_RUN_SEEKERS, FIRST_RUN_VACANCIES, FIRST_RUN_SEED),
    )?;
    store_demo(store, &data).await?;
    tracing::info!(
        vacancies = data.vacancies.len(),
        seekers = data.seekers.len(),
        "demo data stored on first run"
    );
    Ok(true)
}

/// `openpes eval match`: NDCG@10 of seeker → vacancies on generated data.
pub(crate) fn eval_match(
    taxonomy: Taxonomy,
    vacancies: usize,
    seekers: usize,
    seed: u64,
) -> Result<serde_json::Value> {
    let taxonomy = Arc::new(taxonomy);
    let gazetteer = Gazetteer::taiwan()?;
    let today = Utc::now().date_naive();
    let data = generate(
        &taxonomy,
        &gazetteer,
        DemoOptions {
            seekers,
            vacancies,
            seed,
            today,
        },
    )?;
    let index = build_index(&taxonomy, &data)?;
    let report = openpes_matching::demo::evaluate_relevance(&index, &data, 10, seekers, today);
    Ok(json!({
        "vacancies": vacancies,
        "seekers_evaluated": report.seekers,
        "seekers_skipped": report.skipped,
        "ndcg10": (report.ndcg * 1e4).round() / 1e4,
        "top1_relevant": (report.top1_relevant * 1e4).round() / 1e4,
        "seed": seed,
    }))
}

fn build_index(taxonomy: &Arc<Taxonomy>, data: &DemoData) -> Result<MatchIndex> {
    let mut index = MatchIndex::new(Arc::clone(taxonomy));
    fill_index(&mut index, data)?;
    Ok(index)
}

/// Adds every generated vacancy and seeker to `index`.
pub(crate) fn fill_index(index: &mut MatchIndex, data: &DemoData) -> Result<()> {
    for v in &data.vacancies {
        index
            .upsert_vacancy(v)
            .map_err(|e| anyhow::anyhow!("{}: {e}", v.id))?;
    }
    for s in &data.seekers {
        index
            .upsert_seeker(s)
            .map_err(|e| anyhow::anyhow!("{}: {e}", s.id))?;
    }
    Ok(())
}

/// The value at share `p` of sorted latencies (nearest rank).
pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// Seconds as milliseconds, to the microsecond.
pub(crate) fn millis(seconds: f64) -> f64 {
    (seconds * 1e6).round() / 1e3
}

/// A mix of searches as people run them, drawn from the data: a region alone, an occupation
/// group with a contract type, a text query (an occupation and two of its skills) in a
/// region, a skill with a minimum salary, and everything sorted by date; each with facets.
fn search_mix(index: &MatchIndex, data: &DemoData, count: usize) -> Vec<SearchQuery> {
    let taxonomy = index.taxonomy();
    let today = Utc::now().date_naive();
    let counties: Vec<usize> = index
        .gazetteer()
        .places()
        .iter()
        .enumerate()
        .filter(|(_, p)| p.parent.is_none())
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::with_capacity(count);
    for (i, v) in data.vacancies.iter().cycle().take(count).enumerate() {
        let occupation = v.occupation.as_deref().and_then(|o| taxonomy.by_uri(o));
        let skills: Vec<_> = v
            .essential_skills
            .iter()
            .take(2)
            .filter_map(|s| taxonomy.by_uri(s))
            .collect();
        let county = counties.get(i % counties.len().max(1)).copied();
        let mut query = SearchQuery {
            text: TextQuery::default(),
            filters: SearchFilters::default(),
            sort: SortOrder::Relevance,
            after: None,
            limit: 20,
            today,
        };
        match i % 5 {
            0 => query.filters.places = county.into_iter().collect(),
            1 => {
                query.filters.occupations = occupation
                    .and_then(|o| taxonomy.ancestors(o).last().copied())
                    .into_iter()
                    .collect();
                query.filters.contracts = vec![v.contract];
            }
            2 => {
                query.text.occupations = occupation.into_iter().collect();
                query.text.skills = skills;
                query.filters.places = county.into_iter().collect();
            }
            3 => {
                query.filters.skills = skills.into_iter().take(1).collect();
                query.filters.min_salary = v.salary_min;
            }
            _ => query.sort = SortOrder::Date,
        }
        out.push(query);
    }
    out
}

/// `openpes bench match`: one JSON object with build time, memory and latencies.
pub(crate) async fn bench_match(
    config: &Config,
    taxonomy: &TaxonomyArg,
    vacancies: usize,
    seekers: usize,
    queries: usize,
) -> Result<()> {
    let taxonomy = Arc::new(load_taxonomy(config, taxonomy).await?);
    let gazetteer = Gazetteer::taiwan()?;
    let taxonomy_mb = crate::extract_cmd::resident_memory_mb();
    let started = Instant::now();
    let data = generate(&taxonomy, &gazetteer, options(seekers, vacancies, 7))?;
    let generate_seconds = started.elapsed().as_secs_f64();
    let generated_mb = crate::extract_cmd::resident_memory_mb();

    let started = Instant::now();
    let index = build_index(&taxonomy, &data)?;
    let build_seconds = started.elapsed().as_secs_f64();
    let built_mb = crate::extract_cmd::resident_memory_mb();
    // Keep what the queries need and let the generated records go.
    let searches = search_mix(&index, &data, queries.min(vacancies.max(1) * 10));
    let seeker_ids: Vec<String> = data
        .seekers
        .iter()
        .take(queries)
        .map(|s| s.id.clone())
        .collect();
    let vacancy_ids: Vec<String> = data
        .vacancies
        .iter()
        .take(queries)
        .map(|v| v.id.clone())
        .collect();
    drop(data);
    let difference =
        |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| ((a - b) * 10.0).round() / 10.0);
    let query = MatchQuery {
        limit: 20,
        today: Utc::now().date_naive(),
    };

    let mut seeker_times = Vec::with_capacity(queries);
    for id in seeker_ids.iter().cycle().take(queries) {
        let started = Instant::now();
        std::hint::black_box(index.vacancies_for(id, &query)?);
        seeker_times.push(started.elapsed().as_secs_f64());
    }
    let mut vacancy_times = Vec::with_capacity(queries);
    for id in vacancy_ids.iter().cycle().take(queries) {
        let started = Instant::now();
        std::hint::black_box(index.seekers_for(id, &query)?);
        vacancy_times.push(started.elapsed().as_secs_f64());
    }
    let mut search_times = Vec::with_capacity(searches.len());
    for search in &searches {
        let started = Instant::now();
        std::hint::black_box(index.search(search)?);
        search_times.push(started.elapsed().as_secs_f64());
    }
    seeker_times.sort_by(f64::total_cmp);
    vacancy_times.sort_by(f64::total_cmp);
    search_times.sort_by(f64::total_cmp);
    let out = json!({
        "vacancies": vacancies,
        "seekers": seekers,
        "queries": seeker_times.len(),
        "generate_seconds": (generate_seconds * 1e3).round() / 1e3,
        "index_build_seconds": (build_seconds * 1e3).round() / 1e3,
        "seeker_to_vacancies_ms": {"p50": millis(percentile(&seeker_times, 0.5)),
                                   "p99": millis(percentile(&seeker_times, 0.99))},
        "vacancy_to_seekers_ms": {"p50": millis(percentile(&vacancy_times, 0.5)),
                                  "p99": millis(percentile(&vacancy_times, 0.99))},
        "search_with_facets_ms": {"p50": millis(percentile(&search_times, 0.5)),
                                  "p99": millis(percentile(&search_times, 0.99))},
        "peak_memory_mb": crate::extract_cmd::peak_memory_mb(),
        // Resident memory added by each stage: the taxonomy read model and process, the
        // generated records (as a loader would hold them), the index built from them.
        "taxonomy_memory_mb": taxonomy_mb,
        "records_memory_mb": difference(generated_mb, taxonomy_mb),
        "index_memory_mb": difference(built_mb, generated_mb),
    });
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}
