//! `openpes rules test|calc|params` and `openpes bench rules`: the benefit rules from the
//! command line.

use crate::config::Config;
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use openpes_rules::{suite, Engine, Source};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Subcommand)]
pub(crate) enum RulesCommand {
    /// Run test suites (YAML cases) against the rules; exits non-zero when a case fails.
    Test {
        /// A suite file or a folder of them (default: `./rules` when it exists, else the
        /// suites built into the binary). Parameter files come from `--rules` (or the config).
        path: Option<PathBuf>,
        /// A `rules/` folder to take the parameters from (overrides the configuration).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Print the reports as JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Decide one case: prints the determination with its trace as JSON.
    Calc {
        /// `tw/unemployment_benefit` or `ee/unemployment_insurance_benefit`.
        #[arg(long)]
        program: String,
        /// JSON file of facts (`-` for standard input); bare values are read as the claimant's
        /// declaration.
        #[arg(long)]
        facts: PathBuf,
        /// Decision date (YYYY-MM-DD).
        #[arg(long)]
        as_of: NaiveDate,
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// List the parameters with their dated values and references as JSON.
    Params {
        /// Only values in force on this date.
        #[arg(long)]
        at: Option<NaiveDate>,
        #[arg(long)]
        rules: Option<PathBuf>,
    },
}

fn engine(config: &Config, rules: Option<&Path>) -> Result<Engine> {
    match rules {
        Some(dir) => Engine::load_dir(dir)
            .with_context(|| format!("cannot load the rules in {}", dir.display())),
        None => config.rules.engine(),
    }
}

/// Runs a `rules` subcommand.
pub(crate) fn run(config: &Config, command: RulesCommand) -> Result<()> {
    match command {
        RulesCommand::Test { path, rules, json } => test(config, path, rules, json),
        RulesCommand::Calc {
            program,
            facts,
            as_of,
            rules,
        } => {
            let engine = engine(config, rules.as_deref())?;
            let text = if facts.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin()).context("cannot read standard input")?
            } else {
                std::fs::read_to_string(&facts)
                    .with_context(|| format!("cannot read {}", facts.display()))?
            };
            let json: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{}: not valid JSON", facts.display()))?;
            let declaration = Source {
                register: "claimant".into(),
                record: facts.display().to_string(),
                at: None,
            };
            let facts = engine
                .facts_from_json(&program, &json, Some(&declaration))
                .with_context(|| format!("{}", facts.display()))?;
            let determination = engine.determine(&program, &facts, as_of)?;
            println!("{}", serde_json::to_string_pretty(&determination)?);
            Ok(())
        }
        RulesCommand::Params { at, rules } => {
            let engine = engine(config, rules.as_deref())?;
            let listed: Vec<serde_json::Value> = engine
                .parameters()
                .iter()
                .map(|parameter| {
                    let values: Vec<_> = match at {
                        Some(date) => parameter.at(date).into_iter().cloned().collect(),
                        None => parameter.values.clone(),
                    };
                    serde_json::json!({
                        "path": parameter.path,
                        "unit": parameter.unit,
                        "description": parameter.description,
                        "note": parameter.note,
                        "file": parameter.file,
                        "values": values,
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "version": engine.parameters().version(),
                    "parameters": listed,
                }))?
            );
            Ok(())
        }
    }
}

fn test(config: &Config, path: Option<PathBuf>, rules: Option<PathBuf>, json: bool) -> Result<()> {
    let local = PathBuf::from("rules");
    let rules = rules.or_else(|| match (&config.rules.dir, &path) {
        (None, None) if local.is_dir() => Some(local.clone()),
        _ => None,
    });
    let engine = engine(config, rules.as_deref())?;
    let suites = match path.or_else(|| local.is_dir().then_some(local)) {
        Some(path) => suite::load_path(&engine, &path)?,
        None => suite::builtin(&engine)?,
    };
    if suites.is_empty() {
        bail!("no test suites found");
    }
    let reports: Vec<_> = suites.iter().map(|s| s.run(&engine)).collect();
    let total: usize = reports.iter().map(|r| r.cases.len()).sum();
    let failed: usize = reports.iter().map(|r| r.failed()).sum();
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"cases": total, "failed": failed, "suites": reports})
            )?
        );
    } else {
        for report in &reports {
            println!(
                "{} ({}): {} cases, {} failed",
                report.file,
                report.program,
                report.cases.len(),
                report.failed()
            );
            for case in report.cases.iter().filter(|c| !c.passed) {
                println!("  FAIL {}:{} {}", report.file, case.line, case.name);
                for failure in &case.failures {
                    println!("       {failure}");
                }
            }
        }
        println!(
            "{total} cases, {} passed, {failed} failed (parameters {})",
            total - failed,
            engine.parameters().version()
        );
    }
    if failed > 0 {
        bail!("{failed} of {total} rule test cases failed");
    }
    Ok(())
}

/// `openpes bench rules`: latency of one determination with its trace, and batch throughput
/// on one core, over the built-in suite cases.
pub(crate) fn bench(config: &Config, rounds: usize) -> Result<()> {
    let started = Instant::now();
    let engine = config.rules.engine()?;
    let load_ms = started.elapsed().as_secs_f64() * 1e3;
    let suites = suite::builtin(&engine)?;
    let cases: Vec<_> = suites
        .iter()
        .flat_map(|s| s.cases.iter().map(move |c| (s.program.as_str(), c)))
        .collect();
    if cases.is_empty() {
        bail!("no cases to run");
    }
    let mut latencies = Vec::with_capacity(rounds.min(100_000));
    let mut steps = 0usize;
    let batch_started = Instant::now();
    let mut determinations = 0usize;
    for round in 0..rounds {
        let (program, case) = cases[round % cases.len()];
        let one = Instant::now();
        let determination = engine.determine(program, &case.facts, case.as_of)?;
        if latencies.len() < latencies.capacity() {
            latencies.push(one.elapsed().as_secs_f64() * 1e6);
        }
        steps += determination.trace.len();
        determinations += 1;
    }
    let seconds = batch_started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({
            "cases": cases.len(),
            "determinations": determinations,
            "rules_load_ms": (load_ms * 100.0).round() / 100.0,
            "determinations_per_second_one_core": (determinations as f64 / seconds).round(),
            "latency_us_p50": (percentile(0.5) * 100.0).round() / 100.0,
            "latency_us_p99": (percentile(0.99) * 100.0).round() / 100.0,
            "trace_steps_per_determination": (steps as f64 / determinations as f64 * 10.0).round() / 10.0,
        }))?
    );
    Ok(())
}
