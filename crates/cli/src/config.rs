//! Configuration, layered: built-in defaults → a TOML file (`--config FILE` or
//! `OPENPES_CONFIG`) → `OPENPES__SECTION__KEY` environment variables → command-line flags.
//! This is the only place that reads environment variables and configuration files.

use anyhow::{bail, Context, Result};
use figment::providers::{Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The whole configuration. Every default is written once, in the `Default` of its section;
/// a key missing from every layer takes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub log: LogConfig,
    pub rules: RulesConfig,
}

/// `[rules]`: where the benefit rules' parameter files are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RulesConfig {
    /// A `rules/` folder (`<jurisdiction>/parameters/*.yaml`); when absent, the rules built
    /// into the binary.
    pub dir: Option<PathBuf>,
    /// External registers asked for a claimant's facts over HTTP (`{name, url}`).
    pub registers: Vec<RegisterConfig>,
}

/// An external register of facts (`[[rules.registers]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegisterConfig {
    pub name: String,
    pub url: String,
}

impl RulesConfig {
    /// The rules engine this configuration names; a malformed file fails loudly.
    pub(crate) fn engine(&self) -> Result<openpes_rules::Engine> {
        match &self.dir {
            Some(dir) => openpes_rules::Engine::load_dir(dir)
                .with_context(|| format!("cannot load the rules in {}", dir.display())),
            None => openpes_rules::Engine::builtin().context("cannot load the built-in rules"),
        }
    }
}

/// `[server]`: the HTTP listener and its limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ServerConfig {
    /// Address and port to listen on (`127.0.0.1:8080`, `[::1]:8080`); checked when the
    /// configuration loads.
    #[serde(with = "socket_address")]
    pub bind: SocketAddr,
    /// Largest accepted request body in bytes.
    pub max_body_bytes: usize,
    /// Longest time a request may take, in seconds.
    pub request_timeout_secs: u64,
    /// Sustained requests per second allowed to one client IP (0 switches limiting off).
    pub requests_per_second: u32,
    /// Requests one client may send at once above the sustained rate.
    pub burst: u32,
    /// Mark the session cookie `Secure`: set it when users reach the service over HTTPS.
    pub secure_cookies: bool,
    /// Wrong passwords in a row that lock an e-mail address's sign-in (0 switches it off).
    pub login_max_failures: u32,
    /// How long such a lock lasts, in minutes (failures older than this are also forgotten).
    pub login_lock_minutes: u64,
    /// Demo mode: store the demo data and one demo account per role (published passwords) on
    /// first start. Never for real use; `serve --demo` sets it.
    pub demo: bool,
    /// Days an API token stays valid after it is created.
    pub api_token_days: u32,
    /// Longest time a client may take to send a request's headers, in seconds.
    pub header_read_timeout_secs: u64,
    /// A connection on which nothing is read or written for this long is closed, in seconds.
    pub idle_timeout_secs: u64,
    /// Load balancers and reverse proxies (addresses or CIDR networks) whose
    /// `X-Forwarded-For` names the real client, for rate limits and the sign-in lockout:
    /// a TOML list, or one comma-separated string in `OPENPES__SERVER__TRUSTED_PROXIES`.
    #[serde(deserialize_with = "list_or_commas")]
    pub trusted_proxies: Vec<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_body_bytes: 1 << 20,
            request_timeout_secs: 30,
            requests_per_second: 50,
            burst: 100,
            secure_cookies: false,
            login_max_failures: 5,
            login_lock_minutes: 15,
            demo: false,
            api_token_days: 90,
            header_read_timeout_secs: 10,
            idle_timeout_secs: 60,
            trusted_proxies: Vec::new(),
        }
    }
}

/// `server.bind` as the text `address:port` in every layer (TOML, environment, flags), so
/// that a bad value is refused when the configuration loads, naming the key and the value.
mod socket_address {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::net::SocketAddr;

    pub(super) fn serialize<S: Serializer>(address: &SocketAddr, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(address)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SocketAddr, D::Error> {
        /// A port alone arrives as a number from the environment (`OPENPES__SERVER__BIND=80`).
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Text {
            Text(String),
            Number(u64),
        }
        let text = match Text::deserialize(d) {
            Ok(Text::Text(text)) => text,
            Ok(Text::Number(n)) => n.to_string(),
            Err(_) => return Err(serde::de::Error::custom("is not an address:port text")),
        };
        text.trim().parse().map_err(|_| {
            serde::de::Error::custom(format!(
                "{text:?} is not an address:port (such as 127.0.0.1:8080 or [::1]:8080)"
            ))
        })
    }
}

/// A list of strings, or one string of comma-separated items (as an environment variable
/// gives it).
fn list_or_commas<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum ListOrCommas {
        List(Vec<String>),
        Commas(String),
    }
    Ok(
        match <ListOrCommas as serde::Deserialize>::deserialize(d)? {
            ListOrCommas::List(list) => list,
            ListOrCommas::Commas(text) => text
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        },
    )
}

/// `[database]`: where data lives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct DatabaseConfig {
    /// `sqlite://…` or `postgres://…`; when absent, SQLite in `data_dir`.
    pub url: Option<String>,
    /// Directory of the embedded SQLite database.
    pub data_dir: PathBuf,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: None,
            data_dir: PathBuf::from("data"),
        }
    }
}

/// `[log]`: logging.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct LogConfig {
    /// `text` or `json`.
    pub format: LogFormat,
    /// A tracing filter such as `info` or `openpes=debug,info`.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Text,
            level: "info".into(),
        }
    }
}

/// How log lines are written (`[log] format`): `text` or `json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LogFormat {
    /// Lines for people.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

impl<'de> Deserialize<'de> for LogFormat {
    /// The derived message for another word (``unknown variant … expected ``text` or
    /// `json`` ``) reads badly; this one names the value.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match text.as_str() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            _ => Err(serde::de::Error::custom(format!(
                "{text:?} is not a log format (text or json)"
            ))),
        }
    }
}

/// Values given on the command line (highest precedence); `None` leaves a value alone.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<String>,
    /// `serve --demo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demo: Option<bool>,
}

impl Config {
    /// Loads the layered configuration. `file` is `--config`; when absent, `OPENPES_CONFIG`.
    /// `env` yields the environment (injected so that tests need not change the process's).
    pub(crate) fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
        env_pairs: Vec<(String, String)>,
        overrides: &Overrides,
    ) -> Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        let file = file
            .map(Path::to_path_buf)
            .or_else(|| env("OPENPES_CONFIG").map(PathBuf::from));
        if let Some(path) = file {
            if !path.is_file() {
                bail!("configuration file {} does not exist", path.display());
            }
            figment = figment.merge(Toml::file(&path));
        }
        let prefixed: Vec<(String, String)> = env_pairs
            .into_iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("OPENPES__")
                    .map(|rest| (rest.to_ascii_lowercase().replace("__", "."), v))
            })
            .collect();
        for (key, value) in prefixed {
            figment = figment.merge(Serialized::default(&key, parse_env_value(&value)));
        }
        let mut flags = serde_json::Map::new();
        let mut set = |section: &str, key: &str, value: serde_json::Value| {
            let entry = flags
                .entry(section.to_string())
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            if let serde_json::Value::Object(map) = entry {
                map.insert(key.to_string(), value);
            }
        };
        if let Some(bind) = &overrides.bind {
            set("server", "bind", bind.clone().into());
        }
        if let Some(url) = &overrides.database_url {
            set("database", "url", url.clone().into());
        }
        if let Some(dir) = &overrides.data_dir {
            set("database", "data_dir", dir.display().to_string().into());
        }
        if let Some(demo) = overrides.demo {
            set("server", "demo", demo.into());
        }
        if let Some(format) = &overrides.log_format {
            set("log", "format", format.clone().into());
        }
        figment = figment.merge(Serialized::defaults(serde_json::Value::Object(flags)));
        let config: Config = figment.extract().map_err(|e| {
            anyhow::anyhow!(describe(e))
                .context("invalid configuration (defaults → file → OPENPES__* environment → flags)")
        })?;
        if config.server.idle_timeout_secs <= config.server.request_timeout_secs {
            // A request being worked on sends nothing: the connection must outlive it.
            bail!(
                "server.idle_timeout_secs ({}) must be longer than server.request_timeout_secs ({})",
                config.server.idle_timeout_secs,
                config.server.request_timeout_secs
            );
        }
        Ok(config)
    }

    /// The database URL: the configured one, else SQLite in the data directory.
    pub(crate) fn database_url(&self) -> String {
        match &self.database.url {
            Some(url) if !url.is_empty() => url.clone(),
            _ => openpes_store::Store::sqlite_url_in(&self.database.data_dir),
        }
    }
}

/// Figment's errors as `key: problem`, one a line, with the file a value came from (the
/// environment and the flags are named by the key alone).
fn describe(errors: figment::Error) -> String {
    errors
        .into_iter()
        .map(|e| {
            let mut line = if e.path.is_empty() {
                e.kind.to_string()
            } else {
                format!("{}: {}", e.path.join("."), e.kind)
            };
            if let Some(path) = e
                .metadata
                .as_ref()
                .and_then(|m| m.source.as_ref())
                .and_then(|s| s.file_path())
            {
                line.push_str(&format!(" (in {})", path.display()));
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Environment values are strings; numbers and booleans are recognised so that they can set
/// numeric and boolean settings.
fn parse_env_value(value: &str) -> serde_json::Value {
    if let Ok(n) = value.parse::<u64>() {
        return n.into();
    }
    match value {
        "true" => true.into(),
        "false" => false.into(),
        _ => value.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn defaults_bind_to_localhost_8080() -> Result<()> {
        let config = Config::load(None, no_env, Vec::new(), &Overrides::default())?;
        assert_eq!(config.server.bind.to_string(), "127.0.0.1:8080");
        assert!(config.database_url().starts_with("sqlite://"));
        // Demo accounts have published passwords: never the default.
        assert!(!config.server.demo);
        let env = vec![("OPENPES__SERVER__DEMO".to_string(), "true".to_string())];
        assert!(
            Config::load(None, no_env, env, &Overrides::default())?
                .server
                .demo
        );
        // Trusted proxies: none by default; a comma-separated list from the environment.
        assert!(config.server.trusted_proxies.is_empty());
        let env = vec![(
            "OPENPES__SERVER__TRUSTED_PROXIES".to_string(),
            "10.0.0.0/8, 192.0.2.7".to_string(),
        )];
        assert_eq!(
            Config::load(None, no_env, env, &Overrides::default())?
                .server
                .trusted_proxies,
            ["10.0.0.0/8", "192.0.2.7"]
        );
        Ok(())
    }

    #[test]
    fn layers_apply_in_order() -> Result<()> {
        let mut file = tempfile::NamedTempFile::new()?;
        writeln!(
            file,
            "[server]\nbind = \"0.0.0.0:9000\"\nmax_body_bytes = 10\n[log]\nlevel = \"debug\""
        )?;
        // File over defaults.
        let config = Config::load(Some(file.path()), no_env, Vec::new(), &Overrides::default())?;
        assert_eq!(config.server.bind.to_string(), "0.0.0.0:9000");
        assert_eq!(config.server.max_body_bytes, 10);
        assert_eq!(config.log.level, "debug");

        // Environment over file.
        let env = vec![
            (
                "OPENPES__SERVER__BIND".to_string(),
                "127.0.0.1:7000".to_string(),
            ),
            (
                "OPENPES__SERVER__MAX_BODY_BYTES".to_string(),
                "20".to_string(),
            ),
            ("UNRELATED".to_string(), "x".to_string()),
        ];
        let config = Config::load(
            Some(file.path()),
            no_env,
            env.clone(),
            &Overrides::default(),
        )?;
        assert_eq!(config.server.bind.to_string(), "127.0.0.1:7000");
        assert_eq!(config.server.max_body_bytes, 20);
        assert_eq!(config.log.level, "debug");

        // Flags over environment.
        let flags = Overrides {
            bind: Some("127.0.0.1:6000".into()),
            ..Default::default()
        };
        let config = Config::load(Some(file.path()), no_env, env, &flags)?;
        assert_eq!(config.server.bind.to_string(), "127.0.0.1:6000");
        assert_eq!(config.server.max_body_bytes, 20);
        Ok(())
    }

    #[test]
    fn config_file_comes_from_openpes_config_and_must_exist() -> Result<()> {
        let mut file = tempfile::NamedTempFile::new()?;
        writeln!(file, "[database]\nurl = \"postgres://db/openpes\"")?;
        let path = file.path().display().to_string();
        let env = move |k: &str| (k == "OPENPES_CONFIG").then(|| path.clone());
        let config = Config::load(None, env, Vec::new(), &Overrides::default())?;
        assert_eq!(config.database_url(), "postgres://db/openpes");

        let missing = Config::load(
            Some(Path::new("/nonexistent/openpes.toml")),
            no_env,
            Vec::new(),
            &Overrides::default(),
        );
        assert!(missing.is_err());
        Ok(())
    }

    #[test]
    fn unknown_keys_are_rejected() -> Result<()> {
        let mut file = tempfile::NamedTempFile::new()?;
        writeln!(file, "[server]\nbnd = \"typo\"")?;
        let err = Config::load(Some(file.path()), no_env, Vec::new(), &Overrides::default())
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(err.contains("bnd"), "{err}");
        Ok(())
    }

    /// The loading error of a configuration, in full.
    fn load_error(file: Option<&str>, env: &[(&str, &str)], flags: &Overrides) -> String {
        let file = file.map(|text| {
            let mut file = tempfile::NamedTempFile::new().expect("temporary file");
            writeln!(file, "{text}").expect("write");
            file
        });
        let env = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        match Config::load(file.as_ref().map(|f| f.path()), no_env, env, flags) {
            Ok(config) => panic!("loaded {config:?}"),
            Err(e) => format!("{e:#}"),
        }
    }

    #[test]
    fn a_bad_bind_address_is_refused_at_load_naming_key_and_value() {
        let expected = r#"server.bind: "localhost:80x" is not an address:port"#;
        let err = load_error(
            Some("[server]\nbind = \"localhost:80x\""),
            &[],
            &Overrides::default(),
        );
        assert!(err.contains(expected), "{err}");
        let err = load_error(
            None,
            &[("OPENPES__SERVER__BIND", "localhost:80x")],
            &Overrides::default(),
        );
        assert!(err.contains(expected), "{err}");
        let flags = Overrides {
            bind: Some("localhost:80x".into()),
            ..Default::default()
        };
        assert!(load_error(None, &[], &flags).contains(expected));
        // A port alone is not an address either (the environment turns it into a number).
        let err = load_error(
            None,
            &[("OPENPES__SERVER__BIND", "8080")],
            &Overrides::default(),
        );
        assert!(
            err.contains(r#"server.bind: "8080" is not an address:port"#),
            "{err}"
        );
    }

    #[test]
    fn bind_accepts_ipv4_ipv6_and_any_address() -> Result<()> {
        for text in ["127.0.0.1:8080", "0.0.0.0:9000", "[::1]:8080"] {
            let mut file = tempfile::NamedTempFile::new()?;
            writeln!(file, "[server]\nbind = \"{text}\"")?;
            let config =
                Config::load(Some(file.path()), no_env, Vec::new(), &Overrides::default())?;
            assert_eq!(config.server.bind, text.parse::<SocketAddr>()?);
            let env = vec![("OPENPES__SERVER__BIND".to_string(), text.to_string())];
            let config = Config::load(None, no_env, env, &Overrides::default())?;
            assert_eq!(config.server.bind.to_string(), text);
        }
        Ok(())
    }

    #[test]
    fn log_format_is_text_or_json_and_nothing_else() -> Result<()> {
        let env = vec![("OPENPES__LOG__FORMAT".to_string(), "json".to_string())];
        let config = Config::load(None, no_env, env, &Overrides::default())?;
        assert_eq!(config.log.format, LogFormat::Json);
        let flags = Overrides {
            log_format: Some("text".into()),
            ..Default::default()
        };
        let env = vec![("OPENPES__LOG__FORMAT".to_string(), "json".to_string())];
        assert_eq!(
            Config::load(None, no_env, env, &flags)?.log.format,
            LogFormat::Text
        );

        let err = load_error(Some("[log]\nformat = \"xml\""), &[], &Overrides::default());
        assert!(
            err.contains(r#"log.format: "xml" is not a log format (text or json)"#),
            "{err}"
        );
        let flags = Overrides {
            log_format: Some("JSON".into()),
            ..Default::default()
        };
        let err = load_error(None, &[], &flags);
        assert!(err.contains(r#"log.format: "JSON" is not"#), "{err}");
        Ok(())
    }

    #[test]
    fn defaults_are_unchanged_and_fill_missing_keys() -> Result<()> {
        let config = Config::default();
        let server = &config.server;
        assert_eq!(server.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(server.max_body_bytes, 1_048_576);
        assert_eq!(server.request_timeout_secs, 30);
        assert_eq!(server.requests_per_second, 50);
        assert_eq!(server.burst, 100);
        assert!(!server.secure_cookies);
        assert_eq!(server.login_max_failures, 5);
        assert_eq!(server.login_lock_minutes, 15);
        assert!(!server.demo);
        assert_eq!(server.api_token_days, 90);
        assert_eq!(server.header_read_timeout_secs, 10);
        assert_eq!(server.idle_timeout_secs, 60);
        assert!(server.trusted_proxies.is_empty());
        assert_eq!(config.database.url, None);
        assert_eq!(config.database.data_dir, PathBuf::from("data"));
        assert_eq!(config.log.format, LogFormat::Text);
        assert_eq!(config.log.level, "info");
        assert_eq!(config.rules, RulesConfig::default());
        assert_eq!(
            Config::load(None, no_env, Vec::new(), &Overrides::default())?,
            config
        );
        // Deserialized alone (no layer of defaults below), an empty or partial document takes
        // the same defaults.
        let empty: Config = Figment::from(Toml::string("")).extract()?;
        assert_eq!(empty, config);
        let partial: Config = Figment::from(Toml::string("[server]\nburst = 7")).extract()?;
        assert_eq!(partial.server.burst, 7);
        assert_eq!(partial.server.api_token_days, 90);
        assert_eq!(partial.log, config.log);
        Ok(())
    }

    #[test]
    fn the_readme_configuration_block_is_the_defaults() -> Result<()> {
        let readme = include_str!("../../../README.md");
        let block = readme
            .split("```toml\n[server]")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .context("README has a ```toml [server] block")?;
        let documented: Config =
            Figment::from(Toml::string(&format!("[server]{block}"))).extract()?;
        assert_eq!(documented, Config::default());
        Ok(())
    }
}
