//! Disclosure control for statistics about people: a count below the small-cell threshold is
//! never published, so that no small group can be singled out. A suppressed cell says that it
//! was suppressed, so a reader can tell "fewer than the threshold" from "none".

/// Counts below this are suppressed.
pub const SMALL_CELL: usize = 5;

/// A count as it may be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    /// The count, at or above the threshold.
    Count(usize),
    /// Below the threshold (zero included): not shown.
    Suppressed,
}

impl Published {
    /// The count when it may be shown.
    pub fn count(self) -> Option<usize> {
        match self {
            Published::Count(n) => Some(n),
            Published::Suppressed => None,
        }
    }

    /// True when the count is withheld.
    pub fn is_suppressed(self) -> bool {
        self == Published::Suppressed
    }
}

/// What may be published of `count` under the small-cell rule.
pub fn publish(count: usize) -> Published {
    if count < SMALL_CELL {
        Published::Suppressed
    } else {
        Published::Count(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_below_the_threshold_are_withheld_and_at_it_shown() {
        assert!(publish(0).is_suppressed());
        assert!(publish(SMALL_CELL - 1).is_suppressed());
        assert_eq!(publish(SMALL_CELL).count(), Some(SMALL_CELL));
        assert_eq!(publish(1_000).count(), Some(1_000));
    }
}
