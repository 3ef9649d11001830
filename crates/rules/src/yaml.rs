//! Helpers that turn YAML parse positions and keys into the line numbers of error messages.

use crate::RulesError;

/// A `RulesError::File` from a YAML parse error, with the line the parser reports.
pub(crate) fn parse_error(file: &str, error: &serde_yaml_ng::Error) -> RulesError {
    let line = error.location().map(|l| l.line()).unwrap_or(1);
    // The parser's message ends with its own " at line L column C"; the line is in our prefix.
    let message = error.to_string();
    let reason = match message.find(" at line ") {
        Some(cut) => message[..cut].to_string(),
        None => message,
    };
    RulesError::File {
        file: file.to_string(),
        line,
        reason,
    }
}

/// The 1-based line of the first line at or after `from` (0-based) whose text, trimmed of
/// leading spaces and a list dash, starts with `key:`; `from + 1` when there is none.
pub(crate) fn line_of_key(source: &str, key: &str, from: usize) -> usize {
    let wanted = format!("{key}:");
    let quoted = format!("\"{key}\":");
    source
        .lines()
        .enumerate()
        .skip(from)
        .find(|(_, line)| {
            let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
            trimmed.starts_with(&wanted) || trimmed.starts_with(&quoted)
        })
        .map(|(index, _)| index + 1)
        .unwrap_or(from + 1)
}

/// The 1-based line of the `nth` (0-based) list item (a line starting with `- `) at or after
/// line `from` (1-based); `from` when there are fewer items.
pub(crate) fn line_of_item(source: &str, from: usize, nth: usize) -> usize {
    source
        .lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .filter(|(_, line)| line.trim_start().starts_with("- "))
        .nth(nth)
        .map(|(index, _)| index + 1)
        .unwrap_or(from)
}
