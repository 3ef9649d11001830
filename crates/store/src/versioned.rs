//! Records changed by optimistic concurrency, with an append-only history: an action-plan step,
//! an application. Every change names the version its editor read. Inside one write
//! transaction the store reads the row, refuses a change based on another version
//! ([`StoreError::Conflict`], which the application turns into "changed since you read it"),
//! updates the row on the condition that it is still at that version (so that two writers
//! that both read it cannot both win), and appends the new version to the record's history
//! table, which database triggers keep append-only.

use crate::StoreError;
use sqlx::any::AnyQueryResult;

/// The version a change based on `expected` gets, or a conflict when `current` is another.
pub(crate) fn next_version(
    kind: &str,
    id: &str,
    current: i64,
    expected: i64,
) -> Result<i64, StoreError> {
    if current == expected {
        Ok(current + 1)
    } else {
        Err(StoreError::Conflict(format!(
            "{kind} {id} is at version {current}, not {expected}"
        )))
    }
}

/// The conditional update (`… WHERE id = ? AND version = ?`) changed the row, or another
/// writer changed it first.
pub(crate) fn updated_once(
    result: &AnyQueryResult,
    kind: &str,
    id: &str,
) -> Result<(), StoreError> {
    if result.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(format!(
            "{kind} {id} changed meanwhile"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::next_version;
    use crate::StoreError;

    #[test]
    fn a_change_based_on_another_version_is_a_conflict() {
        assert!(matches!(next_version("step", "s-1", 3, 3), Ok(4)));
        assert!(matches!(
            next_version("step", "s-1", 4, 3),
            Err(StoreError::Conflict(message)) if message.contains("version 4, not 3")
        ));
    }
}
