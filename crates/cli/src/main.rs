//! `openpes`: the single binary of OpenPES — runs the platform (`serve`) and administers it
//! (`taxonomy import|stats|search`, `extract`, `eval`, `demo generate`, `guidance`, `courses`,
//! `rules`, `bench`).

mod admin_cmd;
mod config;
mod extract_cmd;
mod follow_bench;
mod guidance_cmd;
mod http_bench;
mod match_cmd;
mod rules_cmd;
mod taxonomy_cmd;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use config::{Config, Overrides};
use std::path::PathBuf;

/// OpenPES — the digital core of a public employment service.
#[derive(Debug, Parser)]
#[command(name = "openpes", version, about)]
struct Cli {
    /// Configuration file (TOML); also `OPENPES_CONFIG`.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Database URL (`sqlite://…` or `postgres://…`); default: SQLite in the data directory.
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Directory of the embedded SQLite database (default `./data`).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Log format: `text` or `json`.
    #[arg(long, global = true)]
    log_format: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the platform: HTTP API and documentation (loads the starter taxonomy on first run).
    /// Needs an administrator (`openpes admin create`) unless it runs in demo mode.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long)]
        bind: Option<String>,
        /// Demo mode: on first start store demo data and one demo account per role, whose
        /// passwords are published. Never for real use.
        #[arg(long)]
        demo: bool,
    },
    /// Administer accounts: create an administrator, disable the demo accounts.
    Admin {
        #[command(subcommand)]
        command: admin_cmd::AdminCommand,
    },
    /// Import, inspect and search the taxonomy.
    Taxonomy {
        #[command(subcommand)]
        command: taxonomy_cmd::TaxonomyCommand,
    },
    /// Extract skills and occupations from text (a file, or standard input) as JSON.
    Extract {
        /// What the text is.
        #[arg(long, value_enum, default_value = "auto")]
        kind: extract_cmd::KindArg,
        /// Language of the text (default: detected).
        #[arg(long)]
        lang: Option<String>,
        #[command(flatten)]
        taxonomy: extract_cmd::TaxonomyArg,
        /// Only concepts of this classification (`esco`, `onet`, `starter`, a bundle's
        /// source), when the taxonomy holds several.
        #[arg(long)]
        source: Option<String>,
        /// The text file; `-` or nothing for standard input.
        file: Option<PathBuf>,
    },
    /// Evaluate extraction on gold files; prints one JSON object of metrics.
    Eval {
        #[command(subcommand)]
        command: extract_cmd::EvalCommand,
    },
    /// Explained matches from the database: a seeker's vacancies or a vacancy's candidates.
    Match {
        #[command(subcommand)]
        command: match_cmd::MatchCommand,
    },
    /// Generate demo data (synthetic employers, vacancies and seekers).
    Demo {
        #[command(subcommand)]
        command: match_cmd::DemoCommand,
    },
    /// Career guidance from the database: a seeker's skills gap, reachable occupations and
    /// course plan, explained.
    Guidance {
        #[command(subcommand)]
        command: guidance_cmd::GuidanceCommand,
    },
    /// The training catalog: import courses, store a demo catalog.
    Courses {
        #[command(subcommand)]
        command: guidance_cmd::CoursesCommand,
    },
    /// Benefit rules: run the YAML test suites, decide a case, list parameters.
    Rules {
        #[command(subcommand)]
        command: rules_cmd::RulesCommand,
    },
    /// Measure speed and memory; prints one JSON object.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Extraction throughput over a CSV of ads with `title,description` columns.
    Extract {
        #[command(flatten)]
        taxonomy: extract_cmd::TaxonomyArg,
        #[arg(long)]
        input: PathBuf,
        /// Times the dictionary pass is repeated; the median and best runs are reported.
        #[arg(long, default_value_t = 5)]
        repeat: usize,
    },
    /// Matching: index build, memory and query latency (p50/p99) in both directions over
    /// generated vacancies and seekers.
    Match {
        #[command(flatten)]
        taxonomy: extract_cmd::TaxonomyArg,
        #[arg(long, default_value_t = 100_000)]
        vacancies: usize,
        #[arg(long, default_value_t = 100_000)]
        seekers: usize,
        #[arg(long, default_value_t = 1_000)]
        queries: usize,
    },
    /// Guidance: reachable occupations, gap analysis and course plan latency (p50/p99) over
    /// generated vacancies and courses.
    Guidance {
        #[command(flatten)]
        taxonomy: extract_cmd::TaxonomyArg,
        #[arg(long, default_value_t = 1_000_000)]
        vacancies: usize,
        #[arg(long, default_value_t = 50_000)]
        courses: usize,
        /// Seekers to answer for.
        #[arg(long, default_value_t = 500)]
        queries: usize,
    },
    /// Benefit determinations: latency of one (with trace) and batch throughput on one core.
    Rules {
        /// Determinations to run.
        #[arg(long, default_value_t = 200_000)]
        rounds: usize,
    },
    /// Lag from a commit on one node to its visibility in another node's index (p50, p99)
    /// under a steady write load; two nodes in this process over `--database-url`.
    Follow {
        /// Vacancy writes per second.
        #[arg(long, default_value_t = 200)]
        rate: u32,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// How often an idle follower polls (PostgreSQL also wakes it with NOTIFY).
        #[arg(long, default_value_t = 250)]
        poll_ms: u64,
    },
    /// Match requests per second and latency through the HTTP API on loopback (server and
    /// load generator in this process, no rate limit).
    Http {
        #[command(flatten)]
        taxonomy: extract_cmd::TaxonomyArg,
        #[arg(long, default_value_t = 100_000)]
        vacancies: usize,
        #[arg(long, default_value_t = 100_000)]
        seekers: usize,
        /// Concurrent clients, each sending its next request when the last one answered.
        #[arg(long, default_value_t = 32)]
        clients: usize,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Servers over one database (1 or 2), the clients alternating between them.
        #[arg(long, default_value_t = 1)]
        nodes: usize,
    },
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // The message and its causes, for the operator; no stack trace (RUST_BACKTRACE
            // would add one to anyhow's own report), since these are answers, not crashes.
            eprintln!("Error: {error}");
            let mut causes = error.chain().skip(1).peekable();
            if causes.peek().is_some() {
                eprintln!("\nCaused by:");
                for cause in causes {
                    eprintln!("    {cause}");
                }
            }
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let cli = Cli::parse();
    let overrides = Overrides {
        bind: match &cli.command {
            Command::Serve { bind, .. } => bind.clone(),
            _ => None,
        },
        demo: match &cli.command {
            Command::Serve { demo: true, .. } => Some(true),
            _ => None,
        },
        database_url: cli.database_url.clone(),
        data_dir: cli.data_dir.clone(),
        log_format: cli.log_format.clone(),
    };
    let config = Config::load(
        cli.config.as_deref(),
        |key| std::env::var(key).ok(),
        // Variables that are not valid Unicode cannot be settings; they are ignored.
        std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect(),
        &overrides,
    )?;
    init_logging(&config, matches!(cli.command, Command::Serve { .. }))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve { .. } => serve(&config).await,
            Command::Admin { command } => admin_cmd::run(&config, command).await,
            Command::Taxonomy { command } => taxonomy_cmd::run(&config, command).await,
            Command::Extract {
                kind,
                lang,
                taxonomy,
                source,
                file,
            } => {
                let options = extract_cmd::ExtractOptions {
                    kind,
                    lang: lang.as_deref(),
                    source: source.as_deref(),
                };
                extract_cmd::extract(&config, &taxonomy, options, file.as_deref()).await
            }
            Command::Eval { command } => extract_cmd::eval(&config, command).await,
            Command::Demo { command } => match_cmd::demo(&config, command).await,
            Command::Match { command } => match_cmd::match_records(&config, command).await,
            Command::Rules { command } => rules_cmd::run(&config, command),
            Command::Guidance { command } => guidance_cmd::run(&config, command).await,
            Command::Courses { command } => guidance_cmd::courses(&config, command).await,
            Command::Bench {
                command:
                    BenchCommand::Guidance {
                        taxonomy,
                        vacancies,
                        courses,
                        queries,
                    },
            } => {
                guidance_cmd::bench_guidance(&config, &taxonomy, vacancies, courses, queries).await
            }
            Command::Bench {
                command: BenchCommand::Rules { rounds },
            } => rules_cmd::bench(&config, rounds),
            Command::Bench {
                command:
                    BenchCommand::Extract {
                        taxonomy,
                        input,
                        repeat,
                    },
            } => extract_cmd::bench_extract(&config, &taxonomy, &input, repeat).await,
            Command::Bench {
                command:
                    BenchCommand::Match {
                        taxonomy,
                        vacancies,
                        seekers,
                        queries,
                    },
            } => match_cmd::bench_match(&config, &taxonomy, vacancies, seekers, queries).await,
            Command::Bench {
                command:
                    BenchCommand::Follow {
                        rate,
                        seconds,
                        poll_ms,
                    },
            } => {
                follow_bench::bench_follow(
                    &config,
                    follow_bench::FollowBench {
                        rate,
                        seconds,
                        poll_ms,
                    },
                )
                .await
            }
            Command::Bench {
                command:
                    BenchCommand::Http {
                        taxonomy,
                        vacancies,
                        seekers,
                        clients,
                        seconds,
                        nodes,
                    },
            } => {
                http_bench::bench_http(
                    &config,
                    &taxonomy,
                    http_bench::HttpBench {
                        vacancies,
                        seekers,
                        clients,
                        seconds,
                        nodes,
                    },
                )
                .await
            }
        }
    })
}

fn init_logging(config: &Config, serving: bool) -> Result<()> {
    use tracing_subscriber::EnvFilter;
    // Commands print their results as JSON on stdout; logs go to stderr. Outside `serve`, only
    // warnings are logged unless RUST_LOG says otherwise.
    let default_level = if serving {
        config.log.level.as_str()
    } else {
        "warn"
    };
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(default_level))
        .context("invalid log level")?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if config.log.format == config::LogFormat::Json {
        builder.json().init();
    } else {
        builder.init();
    }
    Ok(())
}

async fn serve(config: &Config) -> Result<()> {
    let url = config.database_url();
    let store = open_store(&url).await?;
    // Any number of nodes may start together on one database: the first start's seeding runs
    // under a lease, one node at a time, and finds what an earlier node stored.
    take_first_start_lease(&store).await?;
    let prepared = prepare(config, &store).await;
    if let Err(e) = store.release_lease(FIRST_START_LEASE).await {
        tracing::warn!(error = %e, "cannot release the first-start lease; it expires by itself");
    }
    let state = prepared?;
    // Follow the other nodes' writes, and run the scheduled work once across nodes.
    openpes_app::follow::spawn_follower(state.clone(), std::time::Duration::from_millis(250));
    spawn_scheduled_work(state.clone());
    let limits = openpes_server::Limits {
        max_body_bytes: config.server.max_body_bytes,
        request_timeout: std::time::Duration::from_secs(config.server.request_timeout_secs),
        requests_per_second: config.server.requests_per_second,
        burst: config.server.burst,
    };
    let proxies = openpes_server::rate_limit::TrustedProxies::parse(&config.server.trusted_proxies)
        .map_err(|e| anyhow::anyhow!("server.trusted_proxies: {e}"))?;
    let router =
        openpes_server::rate_limit::trust_proxies(openpes_server::router(state, limits), proxies);
    let listener = tokio::net::TcpListener::bind(config.server.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.server.bind))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, database = %redact(&url), "OpenPES is listening");
    eprintln!(
        "OpenPES is listening on http://{address} (web: http://{address}/, API docs: http://{address}/api/docs)"
    );
    let connections = openpes_server::ConnectionLimits {
        header_read_timeout: std::time::Duration::from_secs(config.server.header_read_timeout_secs),
        idle_timeout: std::time::Duration::from_secs(config.server.idle_timeout_secs),
    };
    openpes_server::serve_with(listener, router, connections, shutdown_signal()).await?;
    store.close().await;
    Ok(())
}

/// The lease under which a node seeds an empty database.
const FIRST_START_LEASE: &str = "first-start";

/// Waits until this node holds the first-start lease (another node may be seeding).
async fn take_first_start_lease(store: &openpes_store::Store) -> Result<()> {
    let mut told = false;
    loop {
        let held = store
            .try_lease(
                FIRST_START_LEASE,
                chrono::Duration::minutes(5),
                chrono::Utc::now(),
            )
            .await
            .context("cannot take the first-start lease")?;
        if held {
            return Ok(());
        }
        if !told {
            eprintln!("Another node is preparing the database; waiting for it.");
            told = true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

/// Scheduled work, checked every minute; each job runs once per period across all nodes
/// (the node that claims the run in the database runs it), never at every node's start.
fn spawn_scheduled_work(state: openpes_app::App) {
    tokio::spawn(async move {
        let mut minutely = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            minutely.tick().await;
            let now = state.now();
            // Claims that wait for a period set by law are looked at again every hour.
            match openpes_app::benefits::redetermine_when_due(&state, now.date_naive(), now).await {
                Ok(Some(moved)) => tracing::info!(moved, "re-determined waiting claims"),
                Ok(None) => {}
                Err(e) => tracing::warn!(
                    error = %e.message.render(openpes_app::words::UiLang::En),
                    "re-determining waiting claims failed"
                ),
            }
            if let Err(e) = state.purge_login_failures().await {
                tracing::warn!(error = %e, "purging old sign-in failures failed");
            }
        }
    });
}

/// Everything a start does before it listens: the starter taxonomy, demo data in demo mode,
/// the checks of a production start, the taxonomy and matching index in memory.
async fn prepare(config: &Config, store: &openpes_store::Store) -> Result<openpes_app::App> {
    taxonomy_cmd::ensure_taxonomy(store).await?;
    let demo = config.server.demo;
    if demo {
        if openpes_app::people::real_administrator_exists(store)
            .await
            .map_err(render_api)?
        {
            anyhow::bail!(
                "this database has a real administrator: demo mode would add demo data and \
                 accounts whose passwords are published. Start without --demo (and without \
                 server.demo)."
            );
        }
    } else {
        if openpes_app::people::demo_accounts_enabled(store)
            .await
            .map_err(render_api)?
        {
            anyhow::bail!(
                "this database has enabled demo accounts, whose passwords are published. \
                 Disable them with `openpes admin disable-demo`, or start with --demo."
            );
        }
        if !openpes_app::people::administrator_exists(store)
            .await
            .map_err(render_api)?
        {
            anyhow::bail!(
                "this database has no administrator yet. Create the first one with\n\n    \
                 openpes admin create --email you@agency.example --name \"Your Name\"\n\n\
                 (the password is asked for at the terminal, or read with --password-file FILE), \
                 then start again. To try OpenPES with demo data and demo accounts instead: \
                 openpes serve --demo"
            );
        }
    }
    let security = openpes_app::Security {
        secure_cookies: config.server.secure_cookies,
        lockout: openpes_app::lockout::LockoutPolicy {
            max_failures: config.server.login_max_failures,
            window: std::time::Duration::from_secs(config.server.login_lock_minutes * 60),
            lock_for: std::time::Duration::from_secs(config.server.login_lock_minutes * 60),
        },
        api_token_lifetime: chrono::Duration::days(i64::from(config.server.api_token_days)),
    };
    let started = std::time::Instant::now();
    let (state, report) = openpes_app::App::open(store.clone(), security).await?;
    let taxonomy = state.taxonomy();
    tracing::info!(
        concepts = taxonomy.concepts().len(),
        labels = taxonomy.indexed_labels(),
        dangling_relations = report.dangling_relations,
        millis = started.elapsed().as_millis() as u64,
        "taxonomy and matching index loaded"
    );
    if demo {
        // Demo records are stored once, on the first demo start; the index then learns them.
        let mut stored = false;
        if match_cmd::ensure_demo(store, &taxonomy).await? {
            eprintln!("Stored demo employers, vacancies and job seekers (first run, demo mode).");
            stored = true;
        }
        if guidance_cmd::ensure_demo_courses(store, &taxonomy).await? {
            eprintln!("Stored a demo training catalog (first run, demo mode).");
            stored = true;
        }
        if stored {
            state.load_matching().await?;
        }
    }
    if demo {
        let created = openpes_app::people::ensure_demo_accounts(&state)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot create the demo accounts: {}",
                    e.message.render(openpes_app::words::UiLang::En)
                )
            })?;
        if created {
            eprintln!("Created one demo account per role (demo mode; see the README).");
        }
    }
    state.set_demo_accounts(
        openpes_app::people::demo_accounts_enabled(store)
            .await
            .map_err(render_api)?,
    );
    let mut registers = Vec::new();
    for register in &config.rules.registers {
        registers.push(
            openpes_app::benefits::HttpRegister::new(&register.name, &register.url)
                .with_context(|| format!("register {}", register.name))?,
        );
    }
    state.set_benefits(openpes_app::benefits::Benefits {
        engine: config.rules.engine()?,
        registers,
    });
    let today = state.now().date_naive();
    if demo
        && openpes_app::benefits::demo::ensure_demo_claims(&state, today)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot create the demo benefit claims: {}",
                    e.message.render(openpes_app::words::UiLang::En)
                )
            })?
    {
        eprintln!("Filed two demo benefit claims (one decided automatically, one for review).");
    }
    Ok(state)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

/// An API error as a command-line error (in English).
fn render_api(error: openpes_app::AppError) -> anyhow::Error {
    anyhow::anyhow!("{}", error.message.render(openpes_app::words::UiLang::En))
}

/// Opens the database at `url` (running the migrations). Errors name the database without its
/// password, as every message and log line of the CLI does.
pub(crate) async fn open_store(url: &str) -> Result<openpes_store::Store> {
    openpes_store::Store::connect(url).await.map_err(|error| {
        let error = match error {
            // The only store error that repeats the URL.
            openpes_store::StoreError::UnsupportedUrl(url) => {
                openpes_store::StoreError::UnsupportedUrl(redact(&url))
            }
            error => error,
        };
        anyhow::Error::new(error).context(format!("cannot open the database {}", redact(url)))
    })
}

/// A database URL without its passwords, for logs and messages: the password of the user
/// information (`user:***@host`) and the value of any query parameter naming a password
/// (`?password=***`, `sslpassword=***`).
pub(crate) fn redact(url: &str) -> String {
    const HIDDEN: &str = "***";
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let mut out = String::with_capacity(url.len());
    // The user information ends at the last `@` before the query: a password may hold a raw
    // `@` or `/`, which then stays hidden too.
    match (base.find("://"), base.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme + 3 => {
            let credentials = &base[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => {
                    out.push_str(&base[..scheme + 3]);
                    out.push_str(user);
                    out.push(':');
                    out.push_str(HIDDEN);
                    out.push_str(&base[at..]);
                }
                None => out.push_str(base),
            }
        }
        _ => out.push_str(base),
    }
    if let Some(query) = query {
        let (query, fragment) = match query.split_once('#') {
            Some((query, fragment)) => (query, Some(fragment)),
            None => (query, None),
        };
        out.push('?');
        let parameters: Vec<String> = query
            .split('&')
            .map(|parameter| match parameter.split_once('=') {
                Some((key, _)) if key.to_ascii_lowercase().contains("password") => {
                    format!("{key}={HIDDEN}")
                }
                _ => parameter.to_string(),
            })
            .collect();
        out.push_str(&parameters.join("&"));
        if let Some(fragment) = fragment {
            out.push('#');
            out.push_str(fragment);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        for (url, shown) in [
            ("postgres://user:pw@host/db", "postgres://user:***@host/db"),
            ("postgres://u:secret@h:5/db", "postgres://u:***@h:5/db"),
            // Nothing to hide.
            ("postgres://user@host/db", "postgres://user@host/db"),
            ("postgres://host:5432/db", "postgres://host:5432/db"),
            (
                "sqlite:///path/to/openpes.db",
                "sqlite:///path/to/openpes.db",
            ),
            (
                "sqlite://data/openpes.db?mode=rwc",
                "sqlite://data/openpes.db?mode=rwc",
            ),
            // A password in the query.
            (
                "postgres://user@host/db?sslmode=require&password=pw",
                "postgres://user@host/db?sslmode=require&password=***",
            ),
            (
                "postgres://host/db?PASSWORD=pw&sslpassword=key-pw&user=u",
                "postgres://host/db?PASSWORD=***&sslpassword=***&user=u",
            ),
            // Both, and a password holding `@` and `/`.
            (
                "postgres://u:p@s/s@host/db?password=pw",
                "postgres://u:***@host/db?password=***",
            ),
        ] {
            assert_eq!(redact(url), shown, "{url}");
            assert!(!redact(url).contains("pw"), "{url}");
        }
    }

    #[test]
    fn cli_parses_the_documented_commands() {
        Cli::try_parse_from(["openpes", "serve"]).expect("serve");
        Cli::try_parse_from(["openpes", "serve", "--demo"]).expect("serve --demo");
        Cli::try_parse_from(["openpes", "admin", "create", "--email", "a@b.tw"])
            .expect("admin create");
        // A password is never an argument.
        assert!(Cli::try_parse_from([
            "openpes",
            "admin",
            "create",
            "--email",
            "a@b.tw",
            "--password",
            "x"
        ])
        .is_err());
        Cli::try_parse_from(["openpes", "taxonomy", "import", "esco", "/x"]).expect("esco");
        Cli::try_parse_from([
            "openpes",
            "taxonomy",
            "import",
            "onet",
            "/x",
            "--crosswalk",
            "/c",
        ])
        .expect("onet");
        Cli::try_parse_from(["openpes", "taxonomy", "import", "bundle", "/x.json"])
            .expect("bundle");
        Cli::try_parse_from(["openpes", "taxonomy", "stats"]).expect("stats");
        Cli::try_parse_from([
            "openpes",
            "eval",
            "titles",
            "--taxonomy",
            "esco:/e",
            "--taxonomy",
            "onet:/o",
            "--crosswalk",
            "/c",
            "--gold",
            "/g",
        ])
        .expect("eval titles over linked classifications");
        Cli::try_parse_from([
            "openpes", "extract", "--kind", "title", "--source", "esco", "-",
        ])
        .expect("extract from one classification");
        Cli::try_parse_from([
            "openpes",
            "taxonomy",
            "search",
            "護理",
            "--lang",
            "zh-TW",
            "--kind",
            "occupation",
        ])
        .expect("search");
        assert!(
            Cli::try_parse_from(["openpes", "taxonomy", "search", "x", "--kind", "job"]).is_err()
        );
    }
}
