//! Login lockout, counted per e-mail address *and source*. After `max_failures` wrong passwords
//! for one address from one source (an IPv4 address, or an IPv6 /64) within `window`, that
//! address cannot sign in from that source for `lock_for`, whatever the password; the password
//! is then not even checked, so guessing costs no argon2 time. A source that fails
//! `SOURCE_FACTOR` times as often, over any addresses, is locked for every address. A correct
//! password from a source that has not been failing still signs in: nobody can keep someone
//! else locked out by failing on purpose from elsewhere. A successful sign-in clears the
//! address's count at that source.
//!
//! Unknown addresses are counted exactly like known ones, so the lockout does not tell an
//! attacker which addresses have accounts. The table lives in the server's memory (one process);
//! it is bounded: stale entries are dropped, and when it is full new addresses are not tracked
//! (per-IP rate limiting still applies to them).

use std::collections::HashMap;
use std::net::IpAddr;
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

/// A source is locked for every address after this many times `max_failures` failures.
pub const SOURCE_FACTOR: u32 = 4;

/// Where sign-ins come from: an IPv4 address or an IPv6 /64 network (one subscriber's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Source(Option<IpAddr>);

impl Source {
    /// The source of a peer address; `None` (unknown) counts as one source.
    pub fn of(peer: Option<IpAddr>) -> Source {
        Source(peer.map(|ip| match ip {
            IpAddr::V6(v6) => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
            v4 => v4,
        }))
    }

    fn key(self) -> String {
        match self.0 {
            Some(ip) => ip.to_string(),
            None => "unknown".to_string(),
        }
    }
}

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

/// The key of an e-mail address at a source: the address as the store compares addresses
/// (trimmed, lower case), then the source.
fn key(email: &str, source: Source) -> String {
    format!("{}\u{0}{}", email.trim().to_lowercase(), source.key())
}

/// The key of a source's own count.
fn source_key(source: Source) -> String {
    format!("\u{0}{}", source.key())
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

    /// `Err(remaining)` while the address is locked at this source, or the source itself is.
    pub fn check(&self, email: &str, source: Source, now: Instant) -> Result<(), Duration> {
        if self.policy.max_failures == 0 {
            return Ok(());
        }
        let table = self.table();
        let remaining = [key(email, source), source_key(source)]
            .iter()
            .filter_map(|k| table.get(k).and_then(|a| a.locked_until))
            .filter(|until| *until > now)
            .map(|until| until - now)
            .max();
        match remaining {
            Some(remaining) => Err(remaining),
            None => Ok(()),
        }
    }

    /// Counts a wrong password; returns the lock's length when this failure locked the address
    /// at this source, or the source.
    pub fn failed(&self, email: &str, source: Source, now: Instant) -> Option<Duration> {
        if self.policy.max_failures == 0 {
            return None;
        }
        let pair = self.count(key(email, source), self.policy.max_failures, now);
        let whole_source = self.count(
            source_key(source),
            self.policy.max_failures.saturating_mul(SOURCE_FACTOR),
            now,
        );
        pair.or(whole_source)
    }

    /// One failure under `key`; the lock's length when it reached `limit`.
    fn count(&self, key: String, limit: u32, now: Instant) -> Option<Duration> {
        let policy = self.policy;
        let mut table = self.table();
        if table.len() >= MAX_TRACKED {
            table.retain(|_, a| !Self::stale(&policy, a, now));
        }
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
        if attempts.failures >= limit {
            attempts.locked_until = Some(now + policy.lock_for);
            attempts.failures = 0;
            attempts.first_failure = now;
            return Some(policy.lock_for);
        }
        None
    }

    /// A correct password: the address starts afresh at this source.
    pub fn succeeded(&self, email: &str, source: Source) {
        self.table().remove(&key(email, source));
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

    const A: Source = Source(Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1))));
    const B: Source = Source(Some(IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 7))));

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
        assert_eq!(lockout.failed("a@x.tw", A, t0), None);
        assert_eq!(lockout.failed("A@X.tw ", A, t0), None);
        assert!(lockout.check("a@x.tw", A, t0).is_ok());
        assert_eq!(
            lockout.failed("a@x.tw", A, t0 + Duration::from_secs(1)),
            Some(Duration::from_secs(600))
        );
        let remaining = lockout.check("a@x.tw", A, t0 + Duration::from_secs(101));
        assert_eq!(remaining, Err(Duration::from_secs(500)));
        assert!(
            lockout.check("b@x.tw", A, t0).is_ok(),
            "other addresses are free"
        );
        assert!(lockout
            .check("a@x.tw", A, t0 + Duration::from_secs(602))
            .is_ok());
    }

    #[test]
    fn failures_outside_the_window_are_forgotten_and_success_resets() {
        let lockout = LoginLockout::new(policy());
        let t0 = Instant::now();
        lockout.failed("a@x.tw", A, t0);
        lockout.failed("a@x.tw", A, t0);
        // The window has passed: this is the first failure of a new count.
        assert_eq!(
            lockout.failed("a@x.tw", A, t0 + Duration::from_secs(61)),
            None
        );
        assert_eq!(
            lockout.failed("a@x.tw", A, t0 + Duration::from_secs(62)),
            None
        );
        lockout.succeeded("a@x.tw", A);
        assert_eq!(
            lockout.failed("a@x.tw", A, t0 + Duration::from_secs(63)),
            None
        );
        assert_eq!(
            lockout.failed("a@x.tw", A, t0 + Duration::from_secs(64)),
            None
        );
        assert!(lockout
            .check("a@x.tw", A, t0 + Duration::from_secs(64))
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
            assert_eq!(lockout.failed("a@x.tw", A, t0), None);
        }
        assert!(lockout.check("a@x.tw", A, t0).is_ok());
    }

    #[test]
    fn failures_from_one_source_do_not_lock_the_address_elsewhere() {
        let lockout = LoginLockout::new(policy());
        let t0 = Instant::now();
        for _ in 0..3 {
            lockout.failed("a@x.tw", A, t0);
        }
        assert!(
            lockout.check("a@x.tw", A, t0).is_err(),
            "locked where it failed"
        );
        assert!(
            lockout.check("a@x.tw", B, t0).is_ok(),
            "the owner signs in from elsewhere"
        );
    }

    #[test]
    fn a_source_failing_on_many_addresses_is_locked_for_all() {
        let lockout = LoginLockout::new(policy());
        let t0 = Instant::now();
        let limit = policy().max_failures * SOURCE_FACTOR;
        for i in 0..limit {
            lockout.failed(&format!("user{i}@x.tw"), A, t0);
        }
        assert!(lockout.check("someone-else@x.tw", A, t0).is_err());
        assert!(lockout.check("someone-else@x.tw", B, t0).is_ok());
    }

    #[test]
    fn ipv6_sources_are_counted_per_64() {
        let one: IpAddr = "2001:db8:1:2:aaaa::1"
            .parse()
            .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        let same_net: IpAddr = "2001:db8:1:2:bbbb::9"
            .parse()
            .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        assert_eq!(Source::of(Some(one)), Source::of(Some(same_net)));
        assert_ne!(Source::of(Some(one)), Source::of(None));
    }
}
