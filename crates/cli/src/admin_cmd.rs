//! `openpes admin …`: the accounts that must exist before the service can run — the first
//! administrator of a production database (`admin create`) — and switching off the demo
//! accounts whose passwords are published (`admin disable-demo`).
//!
//! A password is never a command-line argument (it would stay in the shell history and the
//! process list): it is read from a file (`--password-file FILE`, `-` for standard input) or
//! typed at the terminal without echo.

use crate::config::Config;
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

/// `openpes admin …`.
#[derive(Debug, Subcommand)]
pub(crate) enum AdminCommand {
    /// Create an administrator account (the first one of a production database).
    Create {
        /// The administrator's e-mail address (their sign-in name).
        #[arg(long)]
        email: String,
        /// The name shown beside their actions.
        #[arg(long, default_value = "系統管理員 Administrator")]
        name: String,
        /// A file whose first line is the password (`-`: standard input). Without it the
        /// password is asked for at the terminal.
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
    /// Disable every demo account (their passwords are published in the README).
    DisableDemo,
}

/// Runs an `admin` command.
pub(crate) async fn run(config: &Config, command: AdminCommand) -> Result<()> {
    let url = config.database_url();
    let store = crate::open_store(&url).await?;
    let render = |e: openpes_app::AppError| {
        anyhow::anyhow!("{}", e.message.render(openpes_app::words::UiLang::En))
    };
    match command {
        AdminCommand::Create {
            email,
            name,
            password_file,
        } => {
            let password = match password_file {
                Some(path) => password_from_file(&path)?,
                None => password_from_terminal()?,
            };
            let user = openpes_app::people::create_administrator(
                &store,
                &email,
                &name,
                &password,
                chrono::Utc::now(),
            )
            .await
            .map_err(render)?;
            println!(
                "{}",
                serde_json::json!({ "created": { "id": user.id, "email": user.email, "role": "admin" } })
            );
        }
        AdminCommand::DisableDemo => {
            let disabled = openpes_app::people::disable_demo_accounts(&store)
                .await
                .map_err(render)?;
            println!(
                "{}",
                serde_json::json!({ "disabled_demo_accounts": disabled })
            );
        }
    }
    store.close().await;
    Ok(())
}

/// The first line of `path` (`-`: standard input), without its line ending.
fn password_from_file(path: &Path) -> Result<String> {
    let mut line = String::new();
    if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
    } else {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot read the password file {}", path.display()))?;
        std::io::BufReader::new(file)
            .read_line(&mut line)
            .with_context(|| format!("cannot read the password file {}", path.display()))?;
    }
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        bail!("the password file {} is empty", path.display());
    }
    Ok(password)
}

/// A password typed twice at the terminal, without echo.
fn password_from_terminal() -> Result<String> {
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to ask for the password: give --password-file FILE (or - for standard input)");
    }
    let first = rpassword::prompt_password("Password for the new administrator: ")
        .context("cannot read the password")?;
    let second = rpassword::prompt_password("The same password again: ")
        .context("cannot read the password")?;
    if first != second {
        bail!("the two passwords differ; nothing was created");
    }
    Ok(first)
}
