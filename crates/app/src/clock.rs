//! Where the application reads the time: the system clock in production, a fixed one in
//! tests, so that a test can say what day it is. Domain crates never read the clock; the day
//! is always their parameter.

/// Where the application reads the time: the system clock in production, a fixed one in tests
/// ([`AppState::set_clock`]), so that a test can say what day it is.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> chrono::DateTime<chrono::Utc>;
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }
}

/// A clock that always says the same time.
pub struct FixedClock(pub chrono::DateTime<chrono::Utc>);

impl Clock for FixedClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.0
    }
}
