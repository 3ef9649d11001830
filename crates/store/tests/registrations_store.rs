//! Registrations waiting for their e-mail confirmation, on SQLite (always) and PostgreSQL (when
//! `OPENPES_TEST_DATABASE_URL` is set): stored with their message in one transaction (the link
//! only in the copy the mail transport reads), taken once, never after they expire, and purged
//! once expired.

use chrono::{Duration, SecondsFormat, TimeZone, Utc};
use openpes_store::{OutboxMessage, PendingRegistration};
mod common;

use common::fresh_stores;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn pending(digest: &str, email: &str, created: chrono::DateTime<Utc>) -> PendingRegistration {
    let text = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Millis, true);
    PendingRegistration {
        token_digest: digest.into(),
        email: email.into(),
        display_name: "Lee".into(),
        role: "employer".into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        organisation: Some("Forklift Co".into()),
        registration_number: Some("04595257".into()),
        language: "en".into(),
        created_at: text(created),
        expires_at: text(created + Duration::hours(24)),
    }
}

fn message(recipient: &str) -> OutboxMessage {
    OutboxMessage {
        id: 0,
        recipient: recipient.into(),
        subject: "Confirm".into(),
        body: "open /register/confirm?token=••••••".into(),
        created_at: "2027-01-04T08:00:00.000Z".into(),
    }
}

#[tokio::test]
async fn a_pending_registration_is_taken_once_and_never_after_it_expires() -> TestResult {
    for (store, _dir) in fresh_stores().await? {
        let start = Utc
            .with_ymd_and_hms(2027, 1, 4, 8, 0, 0)
            .single()
            .ok_or("time")?;
        let lee = pending("digest-lee", "Lee@Test.example", start);
        store
            .create_pending_registration(
                &lee,
                start,
                &message("lee@test.example"),
                "open /register/confirm?token=secret",
            )
            .await?;
        // The link is in the mail as sent, not in the outbox people read.
        let shown = store.outbox(10).await?;
        assert_eq!(shown.len(), 1);
        assert!(!shown[0].body.contains("secret"));
        let sent = store.outbox_for_delivery(10).await?;
        assert!(sent[0].body.contains("token=secret"));

        let later = start + Duration::hours(23);
        let seen = store
            .pending_registration("digest-lee", later)
            .await?
            .ok_or("not readable before it expires")?;
        assert_eq!(
            seen.email, "lee@test.example",
            "addresses are stored lower-cased"
        );
        assert_eq!(seen.organisation.as_deref(), Some("Forklift Co"));
        let taken = store
            .take_pending_registration("digest-lee", later)
            .await?
            .ok_or("not taken")?;
        assert_eq!(taken, seen);
        assert!(
            store
                .take_pending_registration("digest-lee", later)
                .await?
                .is_none(),
            "a link works once"
        );
        assert!(store
            .take_pending_registration("unknown", later)
            .await?
            .is_none());

        // Expired: neither read nor taken, and purged.
        let kim = pending("digest-kim", "kim@test.example", start);
        store
            .create_pending_registration(&kim, start, &message("kim@test.example"), "x")
            .await?;
        let expired = start + Duration::hours(25);
        assert!(store
            .pending_registration("digest-kim", expired)
            .await?
            .is_none());
        let ann = pending("digest-ann", "ann@test.example", start);
        store
            .create_pending_registration(&ann, start, &message("ann@test.example"), "x")
            .await?;
        assert_eq!(store.purge_expired_registrations(expired).await?, 2);
        assert!(store
            .take_pending_registration("digest-ann", start)
            .await?
            .is_none());
        // A new registration purges the expired ones on its way in.
        let bo = pending("digest-bo", "bo@test.example", start);
        store
            .create_pending_registration(&bo, start, &message("bo@test.example"), "x")
            .await?;
        let eve = pending("digest-eve", "eve@test.example", expired);
        store
            .create_pending_registration(&eve, expired, &message("eve@test.example"), "x")
            .await?;
        assert!(store
            .pending_registration("digest-bo", start)
            .await?
            .is_none());
        assert!(store
            .take_pending_registration("digest-eve", expired)
            .await?
            .is_some());
    }
    Ok(())
}

#[tokio::test]
async fn a_registration_counts_its_password_attempts_up_to_the_limit() -> TestResult {
    for (store, _dir) in fresh_stores().await? {
        let start = Utc
            .with_ymd_and_hms(2027, 1, 4, 8, 0, 0)
            .single()
            .ok_or("time")?;
        let lee = pending("digest-lee", "lee@test.example", start);
        store
            .create_pending_registration(&lee, start, &message("lee@test.example"), "x")
            .await?;
        let later = start + Duration::hours(1);
        for expected in 1..=3 {
            let (seen, attempts) = store
                .count_registration_attempt("digest-lee", later, 3)
                .await?
                .ok_or("an attempt within the limit")?;
            assert_eq!(attempts, expected);
            assert_eq!(seen, lee, "the registration as stored");
        }
        assert!(
            store
                .count_registration_attempt("digest-lee", later, 3)
                .await?
                .is_none(),
            "no attempt beyond the limit"
        );
        // Counting takes nothing: the link still works (the caller decides).
        assert!(store
            .pending_registration("digest-lee", later)
            .await?
            .is_some());
        assert!(store.remove_pending_registration("digest-lee").await?);
        assert!(!store.remove_pending_registration("digest-lee").await?);
        assert!(store
            .take_pending_registration("digest-lee", later)
            .await?
            .is_none());
        // Unknown and expired links count nothing.
        assert!(store
            .count_registration_attempt("unknown", later, 3)
            .await?
            .is_none());
        let kim = pending("digest-kim", "kim@test.example", start);
        store
            .create_pending_registration(&kim, start, &message("kim@test.example"), "x")
            .await?;
        assert!(store
            .count_registration_attempt("digest-kim", start + Duration::hours(25), 3)
            .await?
            .is_none());
    }
    Ok(())
}
