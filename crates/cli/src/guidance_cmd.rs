//! `openpes guidance gap|reachable|courses SEEKER` (the same explained answers as the API, from
//! the database, as one JSON object), `openpes courses import FILE` (CSV or JSON lines, all or
//! nothing), the demo training catalog `serve` stores on first run, and `openpes bench
//! guidance` (reachable occupations, gap analysis and course plans at national scale).

use crate::config::Config;
use crate::extract_cmd::{load_taxonomy, TaxonomyArg};
use crate::match_cmd::{millis, percentile};
use anyhow::{Context, Result};
use chrono::{Days, Utc};
use openpes_app::guidance::{self as guidance, CoursePlanOptions, TargetChoice};
use openpes_app::words::{Message, UiLang};
use openpes_app::App;
use openpes_app::AppError;
use openpes_guidance::courses::CourseQuery;
use openpes_guidance::demo::generate_courses;
use openpes_guidance::{Demand, GapItem, GapTarget, Guidance};
use openpes_matching::demo::{generate, DemoOptions};
use openpes_matching::{Gazetteer, MatchIndex};
use openpes_store::Store;
use openpes_taxonomy::Taxonomy;
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// Courses in the demo catalog `serve` stores when the database has none.
const FIRST_RUN_COURSES: usize = 400;
const FIRST_RUN_COURSE_SEED: u64 = 20_261_127;

#[derive(Debug, clap::Subcommand)]
pub(crate) enum GuidanceCommand {
    /// A seeker's skills gap to an occupation (URI) or a vacancy (id).
    Gap {
        seeker: String,
        #[arg(long)]
        occupation: Option<String>,
        #[arg(long)]
        vacancy: Option<String>,
        /// Language of labels and explanations: `zh-TW` or `en`.
        #[arg(long, default_value = "zh-TW")]
        lang: String,
    },
    /// Occupations a seeker's skills and past occupations reach, explained.
    Reachable {
        seeker: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long, default_value = "zh-TW")]
        lang: String,
    },
    /// Courses that close a seeker's most important gaps (for an occupation or a vacancy, or
    /// else for the occupations they want or reach best).
    Courses {
        seeker: String,
        #[arg(long)]
        occupation: Option<String>,
        #[arg(long)]
        vacancy: Option<String>,
        #[arg(long, default_value_t = 3)]
        max_courses: usize,
        /// Travel radius for courses in person, in km (default: the seeker's, else 50).
        #[arg(long)]
        max_distance_km: Option<f64>,
        /// Leave out online courses.
        #[arg(long)]
        no_online: bool,
        /// Leave out courses in person.
        #[arg(long)]
        no_in_person: bool,
        /// Latest start, in days from today.
        #[arg(long, default_value_t = 180)]
        within_days: u32,
        /// Most the learner pays for one course after public funding.
        #[arg(long)]
        max_cost: Option<u32>,
        #[arg(long, default_value = "zh-TW")]
        lang: String,
    },
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum CoursesCommand {
    /// Import courses from CSV (`.csv`) or JSON lines (anything else), all or nothing.
    Import { file: PathBuf },
    /// Generate and store a demo catalog of courses drawn from the taxonomy.
    Demo {
        #[arg(long, default_value_t = 400)]
        count: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

async fn state(config: &Config) -> Result<App> {
    let url = config.database_url();
    let store = crate::open_store(&url).await?;
    crate::taxonomy_cmd::ensure_taxonomy(&store).await?;
    let (taxonomy, _) = openpes_app::load_taxonomy(&store).await?;
    let state = App::new(store, taxonomy);
    state.load_matching().await?;
    Ok(state)
}

fn language(tag: &str) -> Result<UiLang> {
    UiLang::from_tag(tag).with_context(|| format!("unknown language '{tag}' (zh-TW or en)"))
}

/// A use case's error in words, with every bad field on its own line.
fn explain(error: AppError, context: &str) -> anyhow::Error {
    let mut text = format!("{context}: {}", error.message.render(UiLang::En));
    if let Message::InvalidRecord(fields) = &error.message {
        for (field, message) in fields {
            text.push_str(&format!("\n  {field}: {message}"));
        }
    }
    anyhow::anyhow!(text)
}

async fn seeker(state: &App, id: &str) -> Result<openpes_matching::Seeker> {
    state
        .store()
        .seeker(id)
        .await?
        .with_context(|| format!("no seeker with id '{id}'"))
}

/// `openpes guidance …`
pub(crate) async fn run(config: &Config, command: GuidanceCommand) -> Result<()> {
    let state = state(config).await?;
    let out = match command {
        GuidanceCommand::Gap {
            seeker: id,
            occupation,
            vacancy,
            lang,
        } => {
            let record = seeker(&state, &id).await?;
            let target = TargetChoice {
                occupation,
                vacancy,
            };
            let answer = guidance::gap_of(&state, id, record, &target, language(&lang)?)
                .await
                .map_err(|e| explain(e, "gap"))?;
            serde_json::to_string(&answer)?
        }
        GuidanceCommand::Reachable {
            seeker: id,
            limit,
            lang,
        } => {
            let record = seeker(&state, &id).await?;
            let answer = guidance::reachable_of(&state, id, record, Some(limit), language(&lang)?)
                .await
                .map_err(|e| explain(e, "reachable"))?;
            serde_json::to_string(&answer)?
        }
        GuidanceCommand::Courses {
            seeker: id,
            occupation,
            vacancy,
            max_courses,
            max_distance_km,
            no_online,
            no_in_person,
            within_days,
            max_cost,
            lang,
        } => {
            let record = seeker(&state, &id).await?;
            let params = CoursePlanOptions {
                occupation,
                vacancy,
                max_courses: Some(max_courses),
                max_distance_km,
                online: Some(!no_online),
                in_person: Some(!no_in_person),
                within_days: Some(within_days),
                max_cost,
            };
            let answer = guidance::build_course_plan(&state, id, record, &params, language(&lang)?)
                .await
                .map_err(|e| explain(e, "course plan"))?;
            serde_json::to_string(&answer)?
        }
    };
    println!("{out}");
    Ok(())
}

/// `openpes courses …`
pub(crate) async fn courses(config: &Config, command: CoursesCommand) -> Result<()> {
    let state = state(config).await?;
    match command {
        CoursesCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let csv = file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let summary = guidance::import_course_text(&state, &text, csv)
                .await
                .map_err(|e| explain(e, &file.display().to_string()))?;
            println!("{}", serde_json::to_string(&summary)?);
        }
        CoursesCommand::Demo { count, seed } => {
            let stored = store_demo_courses(state.store(), &state.taxonomy(), count, seed).await?;
            println!("{}", json!({ "stored": stored, "seed": seed }));
        }
    }
    Ok(())
}

async fn store_demo_courses(
    store: &Store,
    taxonomy: &Taxonomy,
    count: usize,
    seed: u64,
) -> Result<usize> {
    let gazetteer = Gazetteer::taiwan()?;
    let today = Utc::now().date_naive();
    let courses = generate_courses(taxonomy, &gazetteer, count, seed, today)?;
    store.put_courses(&courses, Utc::now()).await?;
    Ok(courses.len())
}

/// Stores the demo training catalog when the database has no course. Returns whether it did.
pub(crate) async fn ensure_demo_courses(store: &Store, taxonomy: &Taxonomy) -> Result<bool> {
    if store.has_courses().await? {
        return Ok(false);
    }
    let stored =
        store_demo_courses(store, taxonomy, FIRST_RUN_COURSES, FIRST_RUN_COURSE_SEED).await?;
    tracing::info!(
        courses = stored,
        "demo training catalog stored on first run"
    );
    Ok(true)
}

fn latencies(mut times: Vec<f64>) -> serde_json::Value {
    times.sort_by(f64::total_cmp);
    json!({"p50": millis(percentile(&times, 0.5)), "p99": millis(percentile(&times, 0.99)),
           "max": millis(times.last().copied().unwrap_or(0.0))})
}

/// `openpes bench guidance`: one JSON object with build times and latencies of reachable
/// occupations, gap analyses and course plans over generated vacancies and courses.
pub(crate) async fn bench_guidance(
    config: &Config,
    taxonomy: &TaxonomyArg,
    vacancies: usize,
    courses: usize,
    queries: usize,
) -> Result<()> {
    let taxonomy = Arc::new(load_taxonomy(config, taxonomy).await?);
    let gazetteer = Gazetteer::taiwan()?;
    let today = Utc::now().date_naive();
    let started = Instant::now();
    let data = generate(
        &taxonomy,
        &gazetteer,
        DemoOptions {
            seekers: queries.max(1),
            vacancies,
            seed: 11,
            today,
        },
    )?;
    let catalog = generate_courses(&taxonomy, &gazetteer, courses, 12, today)?;
    let generate_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut index = MatchIndex::new(Arc::clone(&taxonomy));
    for v in &data.vacancies {
        index
            .upsert_vacancy(v)
            .map_err(|e| anyhow::anyhow!("{}: {e}", v.id))?;
    }
    let mut guide = Guidance::new();
    for c in &catalog {
        guide
            .upsert_course(&index, c)
            .map_err(|e| anyhow::anyhow!("{}: {e}", c.id))?;
    }
    let index_seconds = started.elapsed().as_secs_f64();
    drop(catalog);

    let views: Vec<_> = data
        .seekers
        .iter()
        .map(|s| index.seeker_view(s))
        .collect::<Result<_, _>>()?;
    let started = Instant::now();
    let demand = Demand::build(&index, today);
    let demand_seconds = started.elapsed().as_secs_f64();
    // The first query builds the occupation profiles.
    let started = Instant::now();
    if let Some(view) = views.first() {
        std::hint::black_box(guide.reachable(&index, view, &demand, 10));
    }
    let first_query_seconds = started.elapsed().as_secs_f64();
    let occupations: Vec<_> = data
        .seeker_occupations
        .iter()
        .filter_map(|o| taxonomy.by_uri(o))
        .collect();
    drop(data);

    let mut reachable_times = Vec::with_capacity(queries);
    let mut gap_times = Vec::with_capacity(queries);
    let mut course_times = Vec::with_capacity(queries);
    let mut picked = 0usize;
    for (view, occupation) in views.iter().zip(occupations.iter().cycle()) {
        let started = Instant::now();
        let reached = guide.reachable(&index, view, &demand, 10);
        reachable_times.push(started.elapsed().as_secs_f64());
        let target = reached.first().map_or(*occupation, |r| r.occupation);

        let started = Instant::now();
        let gap = guide.gap(&index, view, &GapTarget::Occupation(target), &demand)?;
        gap_times.push(started.elapsed().as_secs_f64());

        let lists: Vec<&[GapItem]> = std::iter::once(gap.missing.as_slice())
            .chain(reached.iter().take(2).map(|r| r.gaps.as_slice()))
            .collect();
        let started = Instant::now();
        let plan = guide.recommend_courses(&CourseQuery {
            gaps: CourseQuery::weights(&lists),
            earliest: today,
            latest: today.checked_add_days(Days::new(180)).unwrap_or(today),
            location: view.location,
            max_distance_km: 50.0,
            online: true,
            in_person: true,
            max_courses: 3,
            max_cost: None,
        });
        course_times.push(started.elapsed().as_secs_f64());
        picked += plan.picks.len();
    }
    let out = json!({
        "concepts": taxonomy.concepts().len(),
        "vacancies": vacancies,
        "courses": courses,
        "queries": views.len(),
        "generate_seconds": (generate_seconds * 1e3).round() / 1e3,
        "index_build_seconds": (index_seconds * 1e3).round() / 1e3,
        "first_query_with_profiles_seconds": (first_query_seconds * 1e3).round() / 1e3,
        "demand_snapshot_seconds": (demand_seconds * 1e3).round() / 1e3,
        "reachable_ms": latencies(reachable_times),
        "gap_ms": latencies(gap_times),
        "course_plan_ms": latencies(course_times),
        "courses_picked_per_plan": picked as f64 / views.len().max(1) as f64,
        "peak_memory_mb": crate::extract_cmd::peak_memory_mb(),
    });
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}
