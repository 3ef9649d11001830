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
//! attacker which addresses have accounts. The counts live in the database
//! (`login_failures`, one upsert per wrong password), so the limit holds across every node of a
//! deployment; keys are digests, never addresses. Counts whose window and lock have passed are
//! purged by the hourly clean-up.

use openpes_store::coordination::{FailureCount, FailurePolicy};
use openpes_store::{Store, StoreError};
use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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

/// The lockout: the policy here, the counts in the database (shared by every node).
#[derive(Debug, Default)]
pub struct LoginLockout {
    policy: LockoutPolicy,
}

/// The key of an e-mail address at a source: a digest of the address as the store compares
/// addresses (trimmed, lower case) and the source, so that the table holds no addresses.
fn key(email: &str, source: Source) -> String {
    crate::auth::digest(&format!(
        "{}\u{0}{}",
        email.trim().to_lowercase(),
        source.key()
    ))
}

/// The key of a source's own count.
fn source_key(source: Source) -> String {
    crate::auth::digest(&format!("\u{0}{}", source.key()))
}

/// Milliseconds since 1970 of a wall-clock time.
fn millis(now: SystemTime) -> i64 {
    now.duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn millis_of(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl LoginLockout {
    pub fn new(policy: LockoutPolicy) -> Self {
        LoginLockout { policy }
    }

    /// `Ok(Err(remaining))` while the address is locked at this source, or the source itself
    /// is.
    pub async fn check(
        &self,
        store: &Store,
        email: &str,
        source: Source,
        now: SystemTime,
    ) -> Result<Result<(), Duration>, StoreError> {
        if self.policy.max_failures == 0 {
            return Ok(Ok(()));
        }
        let now_ms = millis(now);
        let pair = key(email, source);
        let whole = source_key(source);
        let until = store
            .login_locked_until(&[pair.as_str(), whole.as_str()], now_ms)
            .await?;
        Ok(match until {
            Some(until) if until > now_ms => Err(Duration::from_millis(
                u64::try_from(until - now_ms).unwrap_or(0),
            )),
            _ => Ok(()),
        })
    }

    /// Counts a wrong password (one upsert for the address at this source, one for the
    /// source); returns the lock's length when this failure locked either.
    pub async fn failed(
        &self,
        store: &Store,
        email: &str,
        source: Source,
        now: SystemTime,
    ) -> Result<Option<Duration>, StoreError> {
        if self.policy.max_failures == 0 {
            return Ok(None);
        }
        let now_ms = millis(now);
        let window_ms = millis_of(self.policy.window);
        let lock_ms = millis_of(self.policy.lock_for);
        let pair = store
            .record_login_failure(
                &key(email, source),
                FailurePolicy {
                    limit: i64::from(self.policy.max_failures),
                    window_ms,
                    lock_ms,
                },
                now_ms,
            )
            .await?;
        let whole = store
            .record_login_failure(
                &source_key(source),
                FailurePolicy {
                    limit: i64::from(self.policy.max_failures.saturating_mul(SOURCE_FACTOR)),
                    window_ms,
                    lock_ms,
                },
                now_ms,
            )
            .await?;
        // A count that reached its limit now starts again at 0 with a lock from now.
        let locked_now = |count: FailureCount| {
            count.failures == 0 && count.locked_until == Some(now_ms + lock_ms)
        };
        Ok((locked_now(pair) || locked_now(whole)).then_some(self.policy.lock_for))
    }

    /// A correct password: the address starts afresh at this source.
    pub async fn succeeded(
        &self,
        store: &Store,
        email: &str,
        source: Source,
    ) -> Result<(), StoreError> {
        if self.policy.max_failures == 0 {
            return Ok(());
        }
        store.clear_login_failures(&key(email, source)).await
    }

    /// Drops counts whose window and lock have passed (the scheduled clean-up).
    pub async fn purge(&self, store: &Store, now: SystemTime) -> Result<u64, StoreError> {
        let now_ms = millis(now);
        store
            .purge_login_failures(now_ms - millis_of(self.policy.window), now_ms)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    const A: Source = Source(Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1))));
    const B: Source = Source(Some(IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 7))));

    fn policy() -> LockoutPolicy {
        LockoutPolicy {
            max_failures: 3,
            window: Duration::from_secs(60),
            lock_for: Duration::from_secs(600),
        }
    }

    /// A fresh SQLite store, and a fresh PostgreSQL one when the tests have a server.
    async fn stores() -> Result<(Vec<Store>, tempfile::TempDir), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let mut stores = vec![Store::connect(&Store::sqlite_url_in(dir.path())).await?];
        if let Ok(base) = std::env::var(openpes_store::testing::TEST_DATABASE_URL_VAR) {
            let url = openpes_store::testing::create_postgres_database(&base).await?;
            stores.push(Store::connect(&url).await?);
        }
        Ok((stores, dir))
    }

    fn at(t0: SystemTime, secs: u64) -> SystemTime {
        t0 + Duration::from_secs(secs)
    }

    #[tokio::test]
    async fn locks_after_the_allowed_failures_and_unlocks_after_the_lock() -> TestResult {
        let (stores, _dir) = stores().await?;
        for store in &stores {
            let lockout = LoginLockout::new(policy());
            let t0 = SystemTime::now();
            assert_eq!(lockout.failed(store, "a@x.tw", A, t0).await?, None);
            assert_eq!(lockout.failed(store, "A@X.tw ", A, t0).await?, None);
            assert!(lockout.check(store, "a@x.tw", A, t0).await?.is_ok());
            assert_eq!(
                lockout.failed(store, "a@x.tw", A, at(t0, 1)).await?,
                Some(Duration::from_secs(600))
            );
            let remaining = lockout.check(store, "a@x.tw", A, at(t0, 101)).await?;
            assert_eq!(remaining, Err(Duration::from_secs(500)));
            assert!(
                lockout.check(store, "b@x.tw", A, t0).await?.is_ok(),
                "other addresses are free"
            );
            assert!(lockout
                .check(store, "a@x.tw", A, at(t0, 602))
                .await?
                .is_ok());
        }
        Ok(())
    }

    #[tokio::test]
    async fn failures_outside_the_window_are_forgotten_and_success_resets() -> TestResult {
        let (stores, _dir) = stores().await?;
        for store in &stores {
            let lockout = LoginLockout::new(policy());
            let t0 = SystemTime::now();
            lockout.failed(store, "a@x.tw", A, t0).await?;
            lockout.failed(store, "a@x.tw", A, t0).await?;
            // The window has passed: this is the first failure of a new count.
            assert_eq!(lockout.failed(store, "a@x.tw", A, at(t0, 61)).await?, None);
            assert_eq!(lockout.failed(store, "a@x.tw", A, at(t0, 62)).await?, None);
            lockout.succeeded(store, "a@x.tw", A).await?;
            assert_eq!(lockout.failed(store, "a@x.tw", A, at(t0, 63)).await?, None);
            assert_eq!(lockout.failed(store, "a@x.tw", A, at(t0, 64)).await?, None);
            assert!(lockout.check(store, "a@x.tw", A, at(t0, 64)).await?.is_ok());
            // The purge keeps counts still inside their window ...
            assert_eq!(lockout.purge(store, at(t0, 65)).await?, 0);
            assert_eq!(
                lockout.failed(store, "a@x.tw", A, at(t0, 66)).await?,
                Some(Duration::from_secs(600)),
                "the third failure in the window still locks"
            );
            // ... and drops them once their window and lock have passed.
            assert_eq!(lockout.purge(store, at(t0, 800)).await?, 2);
            assert!(lockout
                .check(store, "a@x.tw", A, at(t0, 800))
                .await?
                .is_ok());
        }
        Ok(())
    }

    #[tokio::test]
    async fn a_zero_policy_never_locks() -> TestResult {
        let (stores, _dir) = stores().await?;
        for store in &stores {
            let lockout = LoginLockout::new(LockoutPolicy {
                max_failures: 0,
                ..policy()
            });
            let t0 = SystemTime::now();
            for _ in 0..10 {
                assert_eq!(lockout.failed(store, "a@x.tw", A, t0).await?, None);
            }
            assert!(lockout.check(store, "a@x.tw", A, t0).await?.is_ok());
        }
        Ok(())
    }

    #[tokio::test]
    async fn failures_from_one_source_do_not_lock_the_address_elsewhere() -> TestResult {
        let (stores, _dir) = stores().await?;
        for store in &stores {
            let lockout = LoginLockout::new(policy());
            let t0 = SystemTime::now();
            for _ in 0..3 {
                lockout.failed(store, "a@x.tw", A, t0).await?;
            }
            assert!(
                lockout.check(store, "a@x.tw", A, t0).await?.is_err(),
                "locked where it failed"
            );
            assert!(
                lockout.check(store, "a@x.tw", B, t0).await?.is_ok(),
                "the owner signs in from elsewhere"
            );
        }
        Ok(())
    }

    #[tokio::test]
    async fn a_source_failing_on_many_addresses_is_locked_for_all() -> TestResult {
        let (stores, _dir) = stores().await?;
        for store in &stores {
            let lockout = LoginLockout::new(policy());
            let t0 = SystemTime::now();
            let limit = policy().max_failures * SOURCE_FACTOR;
            for i in 0..limit {
                lockout
                    .failed(store, &format!("user{i}@x.tw"), A, t0)
                    .await?;
            }
            assert!(lockout
                .check(store, "someone-else@x.tw", A, t0)
                .await?
                .is_err());
            assert!(lockout
                .check(store, "someone-else@x.tw", B, t0)
                .await?
                .is_ok());
        }
        Ok(())
    }

    #[tokio::test]
    async fn two_nodes_share_one_count() -> TestResult {
        let (stores, _dir) = stores().await?;
        for store in &stores {
            // Two nodes: two pools on one database, each with its own lockout.
            let url = store.url().to_string();
            let other = Store::connect(&url).await?;
            let (one, two) = (LoginLockout::new(policy()), LoginLockout::new(policy()));
            let t0 = SystemTime::now();
            one.failed(store, "a@x.tw", A, t0).await?;
            two.failed(&other, "a@x.tw", A, t0).await?;
            assert_eq!(
                one.failed(store, "a@x.tw", A, t0).await?,
                Some(Duration::from_secs(600)),
                "the third failure across nodes locks"
            );
            assert!(two.check(&other, "a@x.tw", A, t0).await?.is_err());
        }
        Ok(())
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
