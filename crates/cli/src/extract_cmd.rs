//! `openpes extract` and `openpes eval skills|titles|ads`: extraction from the command line and
//! its evaluation on gold files. Each prints one JSON object.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use openpes_extract::document::{self, DocumentFormat};
use openpes_extract::metrics::{hit_at_k, reciprocal_rank, rp_at_k};
use openpes_extract::{Extractor, TextKind};
use openpes_taxonomy::import::{esco, onet};
use openpes_taxonomy::{ConceptId, ConceptKind, LabelKind, Taxonomy};
use serde_json::json;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::config::Config;

/// Where the taxonomy comes from.
#[derive(Debug, Clone, Args)]
pub(crate) struct TaxonomyArg {
    /// `esco:DIR`, `onet:DIR` or `starter`; default: the database's taxonomy. Give it more
    /// than once to combine classifications in one graph.
    #[arg(long)]
    pub taxonomy: Vec<String>,
    /// The ESCO ↔ O*NET crosswalk CSV, linking an `onet:DIR` taxonomy to an `esco:DIR` one
    /// (job titles are then also recognised by the other classification's titles).
    #[arg(long)]
    pub crosswalk: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum KindArg {
    Cv,
    Vacancy,
    Title,
    Auto,
}

#[derive(Debug, Subcommand)]
pub(crate) enum EvalCommand {
    /// Skill ranking per sentence against a gold CSV `sentence,label` (RP@5, RP@10, MRR).
    Skills {
        #[command(flatten)]
        taxonomy: TaxonomyArg,
        #[arg(long)]
        gold: PathBuf,
    },
    /// Job-title normalisation against a gold CSV `vacancyTitle,conceptUri` (acc@1, acc@5, MRR).
    Titles {
        #[command(flatten)]
        taxonomy: TaxonomyArg,
        #[arg(long)]
        gold: PathBuf,
    },
    /// Whole-ad occupation classification against `title,description,esco_code`.
    Ads {
        #[command(flatten)]
        taxonomy: TaxonomyArg,
        #[arg(long)]
        gold: PathBuf,
    },
    /// Matching relevance on generated data: seekers drawn from an occupation's profile
    /// should find that occupation's vacancies first (NDCG@10).
    Match {
        #[command(flatten)]
        taxonomy: TaxonomyArg,
        #[arg(long, default_value_t = 20_000)]
        vacancies: usize,
        #[arg(long, default_value_t = 1_000)]
        seekers: usize,
        #[arg(long, default_value_t = 11)]
        seed: u64,
    },
}

/// Loads the taxonomy named by `--taxonomy`, or the database's.
pub(crate) async fn load_taxonomy(config: &Config, arg: &TaxonomyArg) -> Result<Taxonomy> {
    if arg.taxonomy.is_empty() {
        if arg.crosswalk.is_some() {
            bail!("--crosswalk needs both classifications it links: --taxonomy esco:DIR --taxonomy onet:DIR");
        }
        let url = config.database_url();
        let store = crate::open_store(&url).await?;
        crate::taxonomy_cmd::ensure_taxonomy(&store).await?;
        let (taxonomy, _) = openpes_app::load_taxonomy(&store).await?;
        store.close().await;
        return Ok(taxonomy);
    }
    let crosswalk = arg.crosswalk.as_deref();
    let given = |prefix: &str| arg.taxonomy.iter().any(|s| s.starts_with(prefix));
    if crosswalk.is_some() && !(given("onet:") && given("esco:")) {
        bail!("--crosswalk needs both classifications it links: --taxonomy esco:DIR --taxonomy onet:DIR");
    }
    let mut datasets = Vec::new();
    for spec in &arg.taxonomy {
        datasets.push(match spec.split_once(':') {
            _ if spec == "starter" => openpes_taxonomy::starter::starter_dataset()?,
            Some(("esco", dir)) => esco::import_esco(Path::new(dir), None)?,
            Some(("onet", dir)) => onet::import_onet(Path::new(dir), None, crosswalk)?,
            _ => bail!("--taxonomy must be esco:DIR, onet:DIR or starter, not '{spec}'"),
        });
    }
    let (taxonomy, _) = Taxonomy::build(datasets)?;
    Ok(taxonomy)
}

/// Most text taken from one PDF or DOCX file.
const MAX_FILE_TEXT_BYTES: usize = 64 << 20;

/// The text of a file or standard input: PDF and DOCX files are read for their text, anything
/// else must be UTF-8 text (kept byte for byte, so that spans point into it).
fn read_input(file: Option<&Path>) -> Result<String> {
    let bytes = match file {
        Some(p) if p != Path::new("-") => {
            std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?
        }
        _ => {
            let mut bytes = Vec::new();
            std::io::stdin().read_to_end(&mut bytes)?;
            bytes
        }
    };
    let name = match file {
        Some(p) if p != Path::new("-") => p.display().to_string(),
        _ => "standard input".to_string(),
    };
    if let Ok(DocumentFormat::Pdf | DocumentFormat::Docx) = document::detect(&bytes) {
        let (_, text) = document::document_text(&bytes, MAX_FILE_TEXT_BYTES)
            .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
        return Ok(text);
    }
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "the input is not valid UTF-8 (first bad byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// What `openpes extract` is asked for.
pub(crate) struct ExtractOptions<'a> {
    pub kind: KindArg,
    /// Language of the text (default: detected).
    pub lang: Option<&'a str>,
    /// Only concepts of this classification (a source key).
    pub source: Option<&'a str>,
}

/// `openpes extract`.
pub(crate) async fn extract(
    config: &Config,
    taxonomy: &TaxonomyArg,
    options: ExtractOptions<'_>,
    file: Option<&Path>,
) -> Result<()> {
    let ExtractOptions { kind, lang, source } = options;
    let text = read_input(file)?;
    let taxonomy = load_taxonomy(config, taxonomy).await?;
    let only = match source {
        None => None,
        Some(name) => {
            let Some(index) = taxonomy.source_index(name) else {
                let names: Vec<&str> = taxonomy
                    .sources()
                    .iter()
                    .map(|s| s.source.as_str())
                    .collect();
                bail!(
                    "--source {name}: the taxonomy has no such classification (it has: {})",
                    names.join(", ")
                );
            };
            Some(index)
        }
    };
    let keep = |c: ConceptId| only.is_none_or(|s| taxonomy.concept(c).source == s);
    let extractor = Extractor::build(&taxonomy, "en");
    let kind = match kind {
        KindArg::Cv => TextKind::Cv,
        KindArg::Vacancy => TextKind::Vacancy,
        KindArg::Title => TextKind::Title,
        KindArg::Auto => TextKind::Auto,
    };
    let result = extractor.extract_where(&taxonomy, &text, kind, lang, &keep)?;
    let display = lang.unwrap_or(&result.language).to_string();
    let describe = |found: &openpes_extract::Found| {
        let concept = taxonomy.concept(found.concept);
        json!({
            "uri": concept.uri,
            "code": concept.code,
            "label": taxonomy.preferred_label(found.concept, &display),
            "matched_label": found.label.and_then(|i| concept.labels.get(i)).map(|l| l.text.clone()),
            "borrowed_label": found.borrowed.and_then(|(lender, i)| {
                let label = taxonomy.concept(lender).labels.get(i)?;
                let concept = taxonomy.concept(lender);
                Some(json!({
                    "text": label.text,
                    "concept": {
                        "uri": concept.uri,
                        "code": concept.code,
                        "label": taxonomy.preferred_label(lender, &display),
                    },
                }))
            }),
            "score": (f64::from(found.score) * 1000.0).round() / 1000.0,
            "evidence": found.evidence.as_str(),
            "requirement": found.requirement.as_str(),
            "spans": found.spans.iter().map(|(s, e)| json!({"start": s, "end": e, "text": &text[*s..*e]})).collect::<Vec<_>>(),
        })
    };
    let out = json!({
        "language": result.language,
        "kind": result.kind.as_str(),
        "skills": result.skills.iter().map(describe).collect::<Vec<_>>(),
        "occupations": result.occupations.iter().map(describe).collect::<Vec<_>>(),
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Reads a gold CSV into rows of the named columns, naming the file and line on errors.
fn read_gold(path: &Path, columns: &[&str]) -> Result<Vec<Vec<String>>> {
    let mut reader = csv::Reader::from_path(path)
        .with_context(|| format!("cannot read the gold file {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let index: Vec<usize> = columns
        .iter()
        .map(|c| {
            headers
                .iter()
                .position(|h| h == *c)
                .with_context(|| format!("{}: no column '{c}'", path.display()))
        })
        .collect::<Result<_>>()?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("{}: malformed row", path.display()))?;
        rows.push(
            index
                .iter()
                .map(|i| record.get(*i).unwrap_or("").trim().to_string())
                .collect(),
        );
    }
    Ok(rows)
}

/// `openpes eval …`.
pub(crate) async fn eval(config: &Config, command: EvalCommand) -> Result<()> {
    let result = match command {
        EvalCommand::Skills { taxonomy, gold } => {
            let taxonomy = load_taxonomy(config, &taxonomy).await?;
            eval_skills(&taxonomy, &gold)?
        }
        EvalCommand::Titles { taxonomy, gold } => {
            let taxonomy = load_taxonomy(config, &taxonomy).await?;
            eval_titles(&taxonomy, &gold)?
        }
        EvalCommand::Ads { taxonomy, gold } => {
            let taxonomy = load_taxonomy(config, &taxonomy).await?;
            eval_ads(&taxonomy, &gold)?
        }
        EvalCommand::Match {
            taxonomy,
            vacancies,
            seekers,
            seed,
        } => {
            let taxonomy = load_taxonomy(config, &taxonomy).await?;
            crate::match_cmd::eval_match(taxonomy, vacancies, seekers, seed)?
        }
    };
    println!("{}", serde_json::to_string(&result)?);
    Ok(())
}

fn eval_skills(taxonomy: &Taxonomy, gold: &Path) -> Result<serde_json::Value> {
    let by_label: HashMap<&str, ConceptId> = taxonomy
        .concepts()
        .iter()
        .filter(|c| c.kind == ConceptKind::Skill)
        .flat_map(|c| {
            c.labels
                .iter()
                .filter(|l| l.kind == LabelKind::Preferred && l.lang == "en")
                .map(move |l| (l.text.as_str(), c.id))
        })
        .collect();
    let mut order: Vec<String> = Vec::new();
    let mut golds: HashMap<String, Vec<ConceptId>> = HashMap::new();
    for row in read_gold(gold, &["sentence", "label"])? {
        let Some(id) = by_label.get(row[1].as_str()) else {
            continue;
        };
        let entry = golds.entry(row[0].clone()).or_insert_with(|| {
            order.push(row[0].clone());
            Vec::new()
        });
        if !entry.contains(id) {
            entry.push(*id);
        }
    }
    let extractor = Extractor::build(taxonomy, "en");
    let (mut rp5, mut rp10, mut mrr) = (0.0, 0.0, 0.0);
    for sentence in &order {
        let gold = &golds[sentence];
        let ranked: Vec<ConceptId> = extractor
            .rank_skills(sentence, 10)
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        rp5 += rp_at_k(&ranked, gold, 5);
        rp10 += rp_at_k(&ranked, gold, 10);
        mrr += reciprocal_rank(&ranked, gold);
    }
    let n = order.len().max(1) as f64;
    Ok(
        json!({"n": order.len(), "rp5": round4(rp5 / n), "rp10": round4(rp10 / n), "mrr": round4(mrr / n)}),
    )
}

fn eval_titles(taxonomy: &Taxonomy, gold: &Path) -> Result<serde_json::Value> {
    let extractor = Extractor::build(taxonomy, "en");
    let (mut n, mut acc1, mut acc5, mut mrr) = (0usize, 0.0, 0.0, 0.0);
    for row in read_gold(gold, &["vacancyTitle", "conceptUri"])? {
        let Some(target) = taxonomy.by_uri(&row[1]) else {
            continue;
        };
        // Only occupations of the gold's classification count (another one, linked by a
        // crosswalk, lends its titles but is not what is asked for).
        let source = taxonomy.concept(target).source;
        let ranked: Vec<ConceptId> = extractor
            .rank_title(&row[0], 10, &|c| taxonomy.concept(c).source == source)
            .into_iter()
            .map(|m| m.concept)
            .collect();
        n += 1;
        acc1 += hit_at_k(&ranked, &[target], 1);
        acc5 += hit_at_k(&ranked, &[target], 5);
        mrr += reciprocal_rank(&ranked, &[target]);
    }
    let d = n.max(1) as f64;
    Ok(json!({"n": n, "acc1": round4(acc1 / d), "acc5": round4(acc5 / d), "mrr": round4(mrr / d)}))
}

fn eval_ads(taxonomy: &Taxonomy, gold: &Path) -> Result<serde_json::Value> {
    let extractor = Extractor::build(taxonomy, "en");
    // The gold codes are ESCO's: occupations of a classification linked to it by a crosswalk
    // lend their text but are not answers.
    let esco = taxonomy.source_index(esco::SOURCE);
    let (mut n, mut e1, mut e5, mut i1, mut i5) = (0usize, 0.0, 0.0, 0.0, 0.0);
    for row in read_gold(gold, &["title", "description", "esco_code"])? {
        let keep = |c: ConceptId| esco.is_none_or(|s| taxonomy.concept(c).source == s);
        let ranked = extractor.rank_occupations_for_ad(&row[0], &row[1], 5, &keep);
        let codes: Vec<String> = ranked
            .iter()
            .map(|(c, _)| taxonomy.concept(*c).code.clone().unwrap_or_default())
            .collect();
        let gold_code = row[2].as_str();
        let isco = |code: &str| code.get(..4).unwrap_or(code).to_string();
        n += 1;
        e1 += f64::from(codes.first().is_some_and(|c| c == gold_code));
        e5 += f64::from(codes.iter().any(|c| c == gold_code));
        i1 += f64::from(codes.first().is_some_and(|c| isco(c) == isco(gold_code)));
        i5 += f64::from(codes.iter().any(|c| isco(c) == isco(gold_code)));
    }
    let d = n.max(1) as f64;
    Ok(json!({
        "n": n,
        "esco_acc1": round4(e1 / d), "esco_acc5": round4(e5 / d),
        "isco4_acc1": round4(i1 / d), "isco4_acc5": round4(i5 / d),
    }))
}

/// `openpes bench extract`: index build time, then extraction throughput over the ads of a CSV
/// with `title,description` columns, on one thread; prints one JSON object.
pub(crate) async fn bench_extract(
    config: &Config,
    taxonomy: &TaxonomyArg,
    input: &Path,
    repeat: usize,
) -> Result<()> {
    let ads = read_gold(input, &["title", "description"])?;
    let taxonomy = load_taxonomy(config, taxonomy).await?;
    let started = std::time::Instant::now();
    let extractor = Extractor::build(&taxonomy, "en");
    let build_seconds = started.elapsed().as_secs_f64();

    let texts: Vec<String> = ads
        .iter()
        .map(|row| format!("{}\n{}", row[0], row[1]))
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let started = std::time::Instant::now();
    let (mut skills, mut occupations) = (0usize, 0usize);
    for text in &texts {
        if let Ok(result) = extractor.extract(&taxonomy, text, TextKind::Vacancy, Some("en")) {
            skills += result.skills.len();
            occupations += result.occupations.len();
        }
    }
    let seconds = started.elapsed().as_secs_f64().max(1e-9);

    // The dictionary pass alone (analysis + label matching), repeated: this machine is noisy.
    let mut labels = 0usize;
    let mut runs = Vec::with_capacity(repeat.max(1));
    for _ in 0..repeat.max(1) {
        let started = std::time::Instant::now();
        labels = 0;
        for text in &texts {
            labels += extractor.find_labels(text, "en").len();
        }
        runs.push(started.elapsed().as_secs_f64().max(1e-9));
    }
    runs.sort_by(f64::total_cmp);
    let dictionary_seconds = runs[runs.len() / 2];
    let best_dictionary_seconds = runs[0];

    // Sentence ranking alone (the similarity part).
    let sentences: Vec<&str> = texts
        .iter()
        .flat_map(|t| t.split(['.', '\n']))
        .filter(|s| s.split_whitespace().count() >= 4)
        .take(5_000)
        .collect();
    let started = std::time::Instant::now();
    for sentence in &sentences {
        std::hint::black_box(extractor.rank_skills(sentence, 10));
    }
    let ranking_seconds = started.elapsed().as_secs_f64().max(1e-9);

    // Job-title normalisation alone, over the ads' titles.
    let started = std::time::Instant::now();
    for row in &ads {
        std::hint::black_box(extractor.rank_occupations(&row[0], 10));
    }
    let titles_seconds = started.elapsed().as_secs_f64().max(1e-9);

    let out = json!({
        "ads": texts.len(),
        "bytes": bytes,
        "dictionary_labels": extractor.dictionary_len(),
        "index_build_seconds": round4(build_seconds),
        "extract_seconds": round4(seconds),
        "mb_per_s": round4(bytes as f64 / 1e6 / seconds),
        "ads_per_s": round4(texts.len() as f64 / seconds),
        "dictionary_mb_per_s": round4(bytes as f64 / 1e6 / dictionary_seconds),
        "dictionary_best_mb_per_s": round4(bytes as f64 / 1e6 / best_dictionary_seconds),
        "dictionary_runs": runs.len(),
        "dictionary_matches": labels,
        "skills_found": skills,
        "occupations_found": occupations,
        "sentences_ranked": sentences.len(),
        "sentences_per_s": round4(sentences.len() as f64 / ranking_seconds),
        "titles_per_s": round4(ads.len() as f64 / titles_seconds),
        "peak_memory_mb": peak_memory_mb(),
    });
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}

/// Peak resident memory of this process in MB (Linux `VmHWM`), if known.
pub(crate) fn peak_memory_mb() -> Option<f64> {
    memory_mb("VmHWM:")
}

/// Resident memory now, in MB (Linux).
pub(crate) fn resident_memory_mb() -> Option<f64> {
    memory_mb("VmRSS:")
}

fn memory_mb(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kb / 1024.0 * 10.0).round() / 10.0)
}
