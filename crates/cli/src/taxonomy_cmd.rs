//! `openpes taxonomy …`: import ESCO, O*NET and bundles (each one transaction), print counts,
//! and search labels. Results are printed as one JSON object on stdout.

use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};
use openpes_store::{ImportOutcome, Store};
use openpes_taxonomy::import::{bundle, esco, onet};
use openpes_taxonomy::{ConceptKind, Dataset, SearchOptions, Taxonomy};
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;

use crate::config::Config;

#[derive(Debug, Subcommand)]
pub(crate) enum TaxonomyCommand {
    /// Import a taxonomy (replaces the starter taxonomy and any earlier version of the source).
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Print counts of the stored taxonomy as one JSON object.
    Stats,
    /// Search labels (typeahead) and print the ranked concepts as JSON.
    Search {
        /// The text to search for.
        query: String,
        /// Only labels in this language (e.g. `en`, `zh-TW`).
        #[arg(long)]
        lang: Option<String>,
        /// Only concepts of this kind.
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        /// Number of results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ImportWhat {
    /// The official ESCO CSV export (a directory such as `esco/v1.1.1-en`).
    Esco {
        dir: PathBuf,
        /// Version to record (default: read from the directory name).
        #[arg(long)]
        version: Option<String>,
    },
    /// The O*NET database in tab-separated text (a directory such as `onet/29.2`).
    Onet {
        dir: PathBuf,
        /// The ESCO ↔ O*NET crosswalk CSV, so that both live in one graph.
        #[arg(long)]
        crosswalk: Option<PathBuf>,
        /// Version to record (default: the directory name).
        #[arg(long)]
        version: Option<String>,
    },
    /// An OpenPES taxonomy bundle (JSON; see docs/taxonomy-bundle.md).
    Bundle { file: PathBuf },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Occupation,
    Skill,
    OccupationGroup,
    SkillGroup,
}

impl From<KindArg> for ConceptKind {
    fn from(kind: KindArg) -> Self {
        match kind {
            KindArg::Occupation => ConceptKind::Occupation,
            KindArg::Skill => ConceptKind::Skill,
            KindArg::OccupationGroup => ConceptKind::OccupationGroup,
            KindArg::SkillGroup => ConceptKind::SkillGroup,
        }
    }
}

/// Stores the starter taxonomy when the database has no taxonomy yet.
pub(crate) async fn ensure_taxonomy(store: &Store) -> Result<()> {
    if store.has_taxonomy().await? {
        return Ok(());
    }
    let dataset = openpes_taxonomy::starter::starter_dataset()
        .context("the built-in starter taxonomy is invalid")?;
    match store.save_dataset(&dataset, &[], chrono::Utc::now()).await {
        Ok(_) => {
            tracing::info!("stored the built-in starter taxonomy");
            Ok(())
        }
        // Another process (a second node, a concurrent command) stored a taxonomy first.
        Err(_) if store.has_taxonomy().await? => Ok(()),
        Err(e) => Err(e).context("cannot store the starter taxonomy"),
    }
}

async fn open_store(config: &Config) -> Result<Store> {
    crate::open_store(&config.database_url()).await
}

pub(crate) async fn run(config: &Config, command: TaxonomyCommand) -> Result<()> {
    match command {
        TaxonomyCommand::Import { what } => import(config, what).await,
        TaxonomyCommand::Stats => stats(config).await,
        TaxonomyCommand::Search {
            query,
            lang,
            kind,
            limit,
        } => search(config, &query, lang.as_deref(), kind, limit).await,
    }
}

async fn import(config: &Config, what: ImportWhat) -> Result<()> {
    let started = Instant::now();
    let dataset: Dataset = tokio::task::spawn_blocking(move || match what {
        ImportWhat::Esco { dir, version } => esco::import_esco(&dir, version.as_deref()),
        ImportWhat::Onet {
            dir,
            crosswalk,
            version,
        } => onet::import_onet(&dir, version.as_deref(), crosswalk.as_deref()),
        ImportWhat::Bundle { file } => bundle::import_bundle(&file),
    })
    .await
    .context("the import task failed")?
    .context("import failed; the database was not changed")?;
    let parsed = started.elapsed();
    let store = open_store(config).await?;
    // A real taxonomy replaces the zero-setup starter taxonomy.
    let replace: &[&str] = if dataset.source == openpes_taxonomy::starter::SOURCE {
        &[]
    } else {
        &[openpes_taxonomy::starter::SOURCE]
    };
    let outcome = store
        .save_dataset(&dataset, replace, chrono::Utc::now())
        .await
        .context("import failed; the database was not changed")?;
    let (outcome, replaced) = match outcome {
        ImportOutcome::Imported { replaced } => ("imported", replaced),
        ImportOutcome::Unchanged => ("unchanged", Vec::new()),
    };
    let report = json!({
        "source": dataset.source,
        "version": dataset.version,
        "outcome": outcome,
        "replaced": replaced,
        "counts": dataset.counts(),
        "content_hash": dataset.content_hash(),
        "parse_seconds": round3(parsed.as_secs_f64()),
        "total_seconds": round3(started.elapsed().as_secs_f64()),
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    store.close().await;
    Ok(())
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

async fn load(config: &Config) -> Result<(Store, Taxonomy, usize)> {
    let store = open_store(config).await?;
    ensure_taxonomy(&store).await?;
    let (taxonomy, report) = openpes_app::load_taxonomy(&store).await?;
    Ok((store, taxonomy, report.dangling_relations))
}

/// Counts of what is stored (as imported), with the number of relations the read model had
/// to leave out because an end is missing.
async fn stats(config: &Config) -> Result<()> {
    let (store, taxonomy, dangling) = load(config).await?;
    let stored = store.sources().await?;
    let mut counts = openpes_taxonomy::Counts::default();
    for source in &stored {
        counts.merge(&source.counts);
    }
    let sources: Vec<_> = stored
        .iter()
        .map(|s| json!({"source": s.source, "version": s.version, "imported_at": s.imported_at}))
        .collect();
    let mut object = serde_json::to_value(&counts)?;
    if let Some(map) = object.as_object_mut() {
        map.insert("languages".into(), json!(taxonomy.languages()));
        map.insert("sources".into(), json!(sources));
        map.insert("dangling_relations".into(), json!(dangling));
    }
    println!("{}", serde_json::to_string_pretty(&object)?);
    store.close().await;
    Ok(())
}

async fn search(
    config: &Config,
    query: &str,
    lang: Option<&str>,
    kind: Option<KindArg>,
    limit: usize,
) -> Result<()> {
    let (store, taxonomy, _) = load(config).await?;
    if let Some(lang) = lang {
        if !taxonomy.languages().iter().any(|l| l == lang) {
            anyhow::bail!(
                "no labels in language '{lang}' (available: {})",
                taxonomy.languages().join(", ")
            );
        }
    }
    let kinds: Vec<ConceptKind> = kind.map(ConceptKind::from).into_iter().collect();
    let hits = taxonomy.search_with_codes(
        query,
        &SearchOptions {
            lang,
            kinds: &kinds,
            limit,
        },
    );
    let results: Vec<_> = hits
        .iter()
        .map(|hit| {
            let concept = taxonomy.concept(hit.concept);
            let label = &concept.labels[hit.label];
            json!({
                "uri": concept.uri,
                "kind": concept.kind.as_str(),
                "code": concept.code,
                "label": taxonomy.preferred_label(hit.concept, lang.unwrap_or(&label.lang)),
                "matched_label": label.text,
                "matched_lang": label.lang,
                "score": round3(f64::from(hit.score.total)),
            })
        })
        .collect();
    println!(
        "{}",
        serde_json::to_string_pretty(&json!({"query": query, "results": results}))?
    );
    store.close().await;
    Ok(())
}
