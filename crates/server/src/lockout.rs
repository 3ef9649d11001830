//! Per-account login lockout. After `max_failures` wrong passwords for one e-mail address within
//! `window`, that address cannot sign in for `lock_for`, whatever the password; the password is
//! then not even checked, so guessing costs no argon2 time. A successful sign-in clears the count.
//!
//! Unknown addresses are counted exactly like known ones, so the lockout does not tell an
//! attacker which addresses have accounts. The table lives in the server's memory (one process);
//! it is bounded: stale entries are dropped, and when it is full new addresses are not tracked
//! (per-IP rate limiting still applies to them).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many failures lock an account, counted over how long, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Wrong passwords in a row (within `window`) that lock the address; 0 switches it off.
    pub max_failures: u32,
    /// Failures older than this are forgotten.
    pub window: Duration,
    /// How long a locked address stays locked.
    pub lock_for: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            max_failures: 5,
            window: Duration::from_secs(15 * 60),
            lock_for: Duration::from_secs(15 * 60),
        }
    }
}

/// Most addresses tracked at once.
const MAX_TRACKED: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Attempts {
    failures: u32,
    first_failure: Instant,
    locked_until: Option<Instant>,
}

/// The failure counts of all addresses.
#[derive(Debug, Default)]
pub struct LoginLockout {
    policy: LockoutPolicy,
    attempts: Mutex<HashMap<String, Attempts>>,
}

/// The key of an e-mail address: as the store compares addresses (trimmed, lower case).
fn key(email: &str) -> String {
    email.trim().to_lowercase()
}

impl LoginLockout {
    pub fn new(policy: LockoutPolicy) -> Self {
        LoginLockout {
            policy,
            attempts: Mutex::new(HashMap::new()),
        }
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<String, Attempts>> {
        match self.attempts.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// `Err(remaining)` while the address is locked.
    pub fn check(&self, email: &str, now: Instant) -> Result<(), Duration> {
        if self.policy.max_failures == 0 {
            return Ok(());
        }
        match self.table().get(&key(email)).and_then(|a| a.locked_until) {
            Some(until) if until > now => Err(until - now),
            _ => Ok(()),
        }
    }

    /// Counts a wrong password; returns the lock's length when this failure locked the address.
    pub fn failed(&self, email: &str, now: Instant) -> Option<Duration> {
        if self.policy.max_failures == 0 {
            return None;
        }
        let policy = self.policy;
        let mut table = self.table();
        if table.len() >= MAX_TRACKED {
            table.retain(|_, a| !Self::stale(&policy, a, now));
        }
        let key = key(email);
        if table.len() >= MAX_TRACKED && !table.contains_key(&key) {
            return None;
        }
        let attempts = table.entry(key).or_insert(Attempts {
            failures: 0,
            first_failure: now,
            locked_until: None,
        });
        if Self::stale(&policy, attempts, now) {
            *attempts = Attempts {
                failures: 0,
                first_failure: now,
                locked_until: None,
            };
        }
        attempts.failures += 1;
        if attempts.failures >= policy.max_failures {
            attempts.locked_until = Some(now + policy.lock_for);
            attempts.failures = 0;
            attempts.first_failure = now;
            return Some(policy.lock_for);
        }
        None
    }

    /// A correct password: the address starts afresh.
    pub fn succeeded(&self, email: &str) {
        self.table().remove(&key(email));
    }

    /// An entry whose failures are outside the window and whose lock (if any) has ended.
    fn stale(policy: &LockoutPolicy, attempts: &Attempts, now: Instant) -> bool {
        let lock_over = attempts.locked_until.is_none_or(|until| until <= now);
        lock_over && now.duration_since(attempts.first_failure) > policy.window
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> LockoutPolicy {
        LockoutPolicy {
            max_failures: 3,
            window: Duration::from_secs(60),
            lock_for: Duration::from_secs(600),
        }
    }

    #[test]
    fn locks_after_the_allowed_failures_and_unlocks_after_the_lock() {
        let lockout = LoginLockout::new(policy());
        let t0 = Instant::now();
        assert_eq!(lockout.failed("a@x.tw", t0), None);
        assert_eq!(lockout.failed("A@X.tw ", t0), None);
        assert!(lockout.check("a@x.tw", t0).is_ok());
        assert_eq!(
            lockout.failed("a@x.tw", t0 + Duration::from_secs(1)),
            Some(Duration::from_secs(600))
        );
        let remaining = lockout.check("a@x.tw", t0 + Duration::from_secs(101));
        assert_eq!(remaining, Err(Duration::from_secs(500)));
        assert!(
            lockout.check("b@x.tw", t0).is_ok(),
            "other addresses are free"
        );
        assert!(lockout
            .check("a@x.tw", t0 + Duration::from_secs(602))
            .is_ok());
    }

    #[test]
    fn failures_outside_the_window_are_forgotten_and_success_resets() {
        let lockout = LoginLockout::new(policy());
        let t0 = Instant::now();
        lockout.failed("a@x.tw", t0);
        lockout.failed("a@x.tw", t0);
        // The window has passed: this is the first failure of a new count.
        assert_eq!(lockout.failed("a@x.tw", t0 + Duration::from_secs(61)), None);
        assert_eq!(lockout.failed("a@x.tw", t0 + Duration::from_secs(62)), None);
        lockout.succeeded("a@x.tw");
        assert_eq!(lockout.failed("a@x.tw", t0 + Duration::from_secs(63)), None);
        assert_eq!(lockout.failed("a@x.tw", t0 + Duration::from_secs(64)), None);
        assert!(lockout
            .check("a@x.tw", t0 + Duration::from_secs(64))
            .is_ok());
    }

    #[test]
    fn a_zero_policy_never_locks() {
        let lockout = LoginLockout::new(LockoutPolicy {
            max_failures: 0,
            ..policy()
        });
        let t0 = Instant::now();
        for _ in 0..10 {
            assert_eq!(lockout.failed("a@x.tw", t0), None);
        }
        assert!(lockout.check("a@x.tw", t0).is_ok());
    }
}
