//! `openpes bench http`: match requests through the real HTTP stack on loopback. Starts the
//! server in this process (a throwaway SQLite store, generated seekers and vacancies loaded
//! into the index, no rate limit) and runs a closed-loop load generator against it: a number
//! of clients, each sending its next request when the last one answered, for a fixed time.
//! Half the requests ask for a seeker's matches, half for a vacancy's candidates.

use crate::config::Config;
use crate::extract_cmd::{load_taxonomy, TaxonomyArg};
use anyhow::{Context, Result};
use chrono::Utc;
use openpes_matching::demo::{generate, DemoOptions};
use openpes_matching::Gazetteer;
use openpes_server::{router, AppState, Limits};
use openpes_store::Store;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What to run.
pub struct HttpBench {
    pub vacancies: usize,
    pub seekers: usize,
    pub clients: usize,
    pub seconds: u64,
}

pub async fn bench_http(config: &Config, taxonomy: &TaxonomyArg, options: HttpBench) -> Result<()> {
    let taxonomy = load_taxonomy(config, taxonomy).await?;
    let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
    let store = Store::connect(&Store::sqlite_url_in(dir.path())).await?;
    let gazetteer = Gazetteer::taiwan()?;
    let data = generate(
        &taxonomy,
        &gazetteer,
        DemoOptions {
            seekers: options.seekers,
            vacancies: options.vacancies,
            seed: 7,
            today: Utc::now().date_naive(),
        },
    )?;
    let state = AppState::new(store, taxonomy);
    {
        let index = state.matching();
        let mut index = index.write().unwrap_or_else(|p| p.into_inner());
        crate::match_cmd::fill_index(&mut index, &data)?;
    }
    let limits = Limits {
        requests_per_second: 0,
        ..Limits::default()
    };
    // Requests carry an administrator's token, so that authorization and the audit log are
    // part of what is measured.
    let token = openpes_server::routes::people::provision_service_account(
        &state,
        "bench@openpes.invalid",
        openpes_server::auth::Role::Admin,
        &openpes_server::auth::Scope::ALL,
    )
    .await
    .map_err(|e| anyhow::anyhow!("cannot provision the bench account: {:?}", e.message))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}/api/v1", listener.local_addr()?);
    let app = router(state, limits);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(openpes_server::serve(listener, app, async {
        let _ = stopped.await;
    }));

    let paths: Arc<Vec<String>> = Arc::new(
        data.seekers
            .iter()
            .map(|s| format!("{base}/seekers/{}/matches?limit=20", s.id))
            .zip(
                data.vacancies
                    .iter()
                    .map(|v| format!("{base}/vacancies/{}/candidates?limit=20", v.id)),
            )
            .flat_map(|(a, b)| [a, b])
            .collect(),
    );
    anyhow::ensure!(!paths.is_empty(), "no seekers or vacancies to ask about");
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))?,
    );
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(options.clients)
        .default_headers(headers)
        .build()?;
    let next = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(options.seconds);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..options.clients.max(1) {
        let (client, paths, next) = (client.clone(), Arc::clone(&paths), Arc::clone(&next));
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            while Instant::now() < deadline {
                let i = next.fetch_add(1, Ordering::Relaxed) % paths.len();
                let sent = Instant::now();
                match client.get(&paths[i]).send().await {
                    Ok(response) if response.status().is_success() => {
                        let _ = response.bytes().await;
                        latencies.push(sent.elapsed().as_secs_f64());
                    }
                    _ => failures += 1,
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    for worker in workers {
        let (mine, failed) = worker.await?;
        latencies.extend(mine);
        failures += failed;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let _ = stop.send(());
    let _ = server.await;
    latencies.sort_by(f64::total_cmp);
    let at = |p: f64| {
        let rank = ((latencies.len().max(1) - 1) as f64 * p).round() as usize;
        latencies.get(rank).map_or(0.0, |s| (s * 1e6).round() / 1e3)
    };
    let out = json!({
        "vacancies": options.vacancies,
        "seekers": options.seekers,
        "clients": options.clients,
        "seconds": (elapsed * 100.0).round() / 100.0,
        "requests": latencies.len(),
        "failures": failures,
        "requests_per_second": ((latencies.len() as f64 / elapsed) * 10.0).round() / 10.0,
        "latency_ms": {"p50": at(0.5), "p99": at(0.99), "max": at(1.0)},
    });
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}
