//! `openpes bench follow`: how long a vacancy committed through one node takes to be in another
//! node's matching index, under a steady write load. Two nodes (two `App`s, each with its
//! own connection pool and change-log follower, as two processes would have) run in this
//! process over one database (`--database-url`, e.g. PostgreSQL; a throwaway SQLite file
//! otherwise). A writer commits new vacancies through node A at `--rate` per second; a probe
//! watches node B's index, and the lag of each write is the time from its commit to the moment
//! B's index holds it.

use crate::config::Config;
use anyhow::{Context, Result};
use chrono::Utc;
use openpes_app::App;
use openpes_matching::{ContractType, Employer, Point, RemotePolicy, Vacancy, VacancyStatus};
use openpes_store::Store;
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What to run.
pub(crate) struct FollowBench {
    /// Vacancy writes per second through node A.
    pub rate: u32,
    pub seconds: u64,
    /// How often a follower polls when no notification wakes it.
    pub poll_ms: u64,
}

fn vacancy(id: String) -> Vacancy {
    Vacancy {
        id,
        employer: "bench-employer".into(),
        title: "Forklift driver".into(),
        description: "Load and unload trucks.".into(),
        occupation: Some("urn:openpes:starter:occupation/forklift-driver".into()),
        essential_skills: vec!["urn:openpes:starter:skill/forklift-operation".into()],
        optional_skills: vec![],
        education: None,
        experience_years: None,
        languages: vec![],
        licences: vec![],
        location: Some(Point {
            lat: 24.99,
            lon: 121.30,
        }),
        place: None,
        remote: RemotePolicy::OnSite,
        contract: ContractType::Permanent,
        working_time: openpes_matching::WorkingTime::FullTime,
        salary_min: None,
        salary_max: None,
        positions: 1,
        posted: Utc::now().date_naive(),
        expires: None,
        status: VacancyStatus::Open,
        suggestions: vec![],
    }
}

/// One node over `url`: its own pool, the stored taxonomy, the index filled, following.
async fn node(url: &str, poll: Duration) -> Result<App> {
    let store = crate::open_store(url).await?;
    let (taxonomy, _, fingerprint) = openpes_app::load_versioned_taxonomy(&store).await?;
    let state = App::new(store, taxonomy);
    state.set_taxonomy_fingerprint(fingerprint);
    state.load_matching().await?;
    openpes_app::follow::spawn_follower(state.clone(), poll);
    Ok(state)
}

pub(crate) async fn bench_follow(config: &Config, options: FollowBench) -> Result<()> {
    let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
    let url = match &config.database.url {
        Some(url) if !url.is_empty() => url.clone(),
        _ => Store::sqlite_url_in(dir.path()),
    };
    {
        let store = crate::open_store(&url).await?;
        crate::taxonomy_cmd::ensure_taxonomy(&store).await?;
        store
            .put_employer(
                &Employer {
                    id: "bench-employer".into(),
                    name: "Bench Logistics".into(),
                    registration: None,
                },
                Utc::now(),
            )
            .await?;
    }
    let poll = Duration::from_millis(options.poll_ms.max(1));
    let a = node(&url, poll).await?;
    let b = node(&url, poll).await?;
    let vacancies_on_b = || {
        let index = b.matching();
        let guard = index.read().unwrap_or_else(|p| p.into_inner());
        guard.len().0
    };
    let base = vacancies_on_b();
    let writes = (u64::from(options.rate) * options.seconds) as usize;
    let committed: Arc<Mutex<Vec<Instant>>> = Arc::new(Mutex::new(Vec::with_capacity(writes)));
    let run = format!("{:x}", Utc::now().timestamp_millis());

    let writer = {
        let (store, committed) = (a.store().clone(), Arc::clone(&committed));
        let every = Duration::from_secs_f64(1.0 / f64::from(options.rate.max(1)));
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            for i in 0..writes {
                ticks.tick().await;
                store
                    .put_vacancies(&[vacancy(format!("bench-{run}-{i}"))], Utc::now())
                    .await?;
                committed
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(Instant::now());
            }
            Ok::<(), openpes_store::StoreError>(())
        })
    };

    // The probe: B applies the log in commit order, so when its index holds k new vacancies
    // the first k writes are visible there.
    let started = Instant::now();
    let mut lags = Vec::with_capacity(writes);
    let deadline = started + Duration::from_secs(options.seconds + 30);
    while lags.len() < writes && Instant::now() < deadline {
        let visible = vacancies_on_b().saturating_sub(base);
        let now = Instant::now();
        let times = committed.lock().unwrap_or_else(|p| p.into_inner()).clone();
        while lags.len() < visible.min(times.len()) {
            lags.push(
                now.saturating_duration_since(times[lags.len()])
                    .as_secs_f64(),
            );
        }
        tokio::time::sleep(Duration::from_micros(500)).await;
    }
    writer.await??;
    let elapsed = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        lags.len() == writes,
        "only {} of {writes} writes reached node B",
        lags.len()
    );
    let mut sorted = lags.clone();
    sorted.sort_by(f64::total_cmp);
    let at = |p: f64| {
        let rank = ((sorted.len().max(1) - 1) as f64 * p).round() as usize;
        sorted.get(rank).map_or(0.0, |s| (s * 1e5).round() / 1e2)
    };
    let out = json!({
        "database": format!("{:?}", a.store().backend()).to_lowercase(),
        "writes": writes,
        "writes_per_second": ((writes as f64 / elapsed) * 10.0).round() / 10.0,
        "poll_ms": options.poll_ms,
        "lag_ms": {"p50": at(0.5), "p99": at(0.99), "max": at(1.0)},
    });
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}
