//! `openpes bench http`: match requests through the real HTTP stack on loopback. Starts the
//! server in this process (a throwaway SQLite store, generated seekers and vacancies loaded
//! into the index, no rate limit) and runs a closed-loop load generator against it: a number
//! of clients, each sending its next request when the last one answered, for a fixed time.
//! Half the requests ask for a seeker's matches, half for a vacancy's candidates.
//!
//! With `--database-url` the store is that database (PostgreSQL, say; use an empty one), and
//! with `--nodes 2` two servers (two `App`s with their own pools and indexes, as two
//! processes would have) share it, the clients alternating between them.

use crate::config::Config;
use crate::extract_cmd::{load_taxonomy, TaxonomyArg};
use anyhow::{Context, Result};
use chrono::Utc;
use openpes_app::App;
use openpes_matching::demo::{generate, DemoOptions};
use openpes_matching::Gazetteer;
use openpes_server::{router, Limits};
use openpes_store::Store;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What to run.
pub(crate) struct HttpBench {
    pub vacancies: usize,
    pub seekers: usize,
    pub clients: usize,
    pub seconds: u64,
    /// Servers over the one database (1 or 2).
    pub nodes: usize,
}

pub(crate) async fn bench_http(
    config: &Config,
    taxonomy_arg: &TaxonomyArg,
    options: HttpBench,
) -> Result<()> {
    let taxonomy = load_taxonomy(config, taxonomy_arg).await?;
    let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
    let url = match &config.database.url {
        Some(url) if !url.is_empty() => url.clone(),
        _ => Store::sqlite_url_in(dir.path()),
    };
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
    let mut first_taxonomy = Some(taxonomy);
    let limits = Limits {
        requests_per_second: 0,
        ..Limits::default()
    };
    let mut bases = Vec::new();
    let mut stops = Vec::new();
    let mut servers = Vec::new();
    let mut token = String::new();
    for node in 0..options.nodes.clamp(1, 2) {
        let store = crate::open_store(&url).await?;
        // Each node builds its own taxonomy, as a process would.
        let taxonomy = match first_taxonomy.take() {
            Some(taxonomy) => taxonomy,
            None => load_taxonomy(config, taxonomy_arg).await?,
        };
        let state = App::new(store, taxonomy);
        {
            let index = state.matching();
            let mut index = index.write().unwrap_or_else(|p| p.into_inner());
            crate::match_cmd::fill_index(&mut index, &data)?;
        }
        if node == 0 {
            // A vacancy's candidates are asked of the store first (whose vacancy is it?):
            // the vacancies and their employers are stored, as in production.
            for chunk in data.vacancies.chunks(5_000) {
                state
                    .store()
                    .put_employers_and_vacancies(&data.employers, chunk, Utc::now())
                    .await?;
            }
            // Requests carry an administrator's token, so that authorization and the audit
            // log are part of what is measured.
            token = openpes_app::people::provision_service_account(
                &state,
                "bench@openpes.invalid",
                openpes_app::auth::Role::Admin,
                &openpes_app::auth::Scope::ALL,
            )
            .await
            .map_err(|e| anyhow::anyhow!("cannot provision the bench account: {:?}", e.message))?;
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        bases.push(format!("http://{}/api/v1", listener.local_addr()?));
        let app = router(state, limits);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        stops.push(stop);
        servers.push(tokio::spawn(openpes_server::serve(listener, app, async {
            let _ = stopped.await;
        })));
    }
    let base = bases[0].clone();
    let other = bases.last().cloned().unwrap_or_else(|| base.clone());
    let paths: Arc<Vec<String>> = Arc::new(
        data.seekers
            .iter()
            .map(|s| format!("{base}/seekers/{}/matches?limit=20", s.id))
            .zip(
                data.vacancies
                    .iter()
                    .map(|v| format!("{other}/vacancies/{}/candidates?limit=20", v.id)),
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
                    Ok(response) => {
                        if failures == 0 {
                            let status = response.status();
                            let body = response.text().await.unwrap_or_default();
                            tracing::warn!(%status, url = %paths[i], body = %body.chars().take(300).collect::<String>(), "a request failed");
                        }
                        failures += 1;
                    }
                    Err(e) => {
                        if failures == 0 {
                            tracing::warn!(error = %e, "a request failed");
                        }
                        failures += 1;
                    }
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
    for stop in stops {
        let _ = stop.send(());
    }
    for server in servers {
        let _ = server.await;
    }
    latencies.sort_by(f64::total_cmp);
    let at = |p: f64| {
        let rank = ((latencies.len().max(1) - 1) as f64 * p).round() as usize;
        latencies.get(rank).map_or(0.0, |s| (s * 1e6).round() / 1e3)
    };
    let out = json!({
        "database": if url.starts_with("postgres") { "postgres" } else { "sqlite" },
        "nodes": bases.len(),
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
