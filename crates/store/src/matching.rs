//! Persisting the records matching works on: employers, job seekers and vacancies, each as a
//! JSON document beside the columns queries need. Saving several vacancies is one transaction
//! (an import stores all or nothing), and every change to an employer, seeker or vacancy
//! appends to the change log ([`crate::changes`]) in the same transaction; the public vacancy
//! feed, [`Store::vacancy_changes`], is the log's vacancy entries. A stored vacancy
//! keeps its employer (a write naming another is refused), and an import adds employers but
//! never changes one that exists.

use crate::changes::{self, Pending, RecordKind};
use crate::{Store, StoreError};
use chrono::{DateTime, SecondsFormat, Utc};
use openpes_matching::{Employer, Seeker, Vacancy, VacancyStatus};
use serde::de::DeserializeOwned;
use sqlx::any::AnyRow;
use sqlx::Row;

/// One entry of the vacancy change feed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VacancyChange {
    /// Cursor: pass it as `since` to read the changes after this one.
    pub seq: i64,
    pub vacancy_id: String,
    /// `upsert` or `delete`.
    pub change: String,
    /// RFC 3339, UTC.
    pub at: String,
}

pub(crate) fn timestamp(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn document<T: serde::Serialize>(record: &T) -> Result<String, StoreError> {
    serde_json::to_string(record).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn parse<T: DeserializeOwned>(row: &AnyRow, what: &str) -> Result<T, StoreError> {
    let text: String = row.try_get("document")?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn status_name(status: VacancyStatus) -> &'static str {
    match status {
        VacancyStatus::Open => "open",
        VacancyStatus::Filled => "filled",
        VacancyStatus::Closed => "closed",
    }
}

impl Store {
    /// Adds or replaces an employer.
    pub async fn put_employer(
        &self,
        employer: &Employer,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let at = timestamp(now);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO employers (id, document, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET document = excluded.document, \
             updated_at = excluded.updated_at",
        )
        .bind(employer.id.clone())
        .bind(document(employer)?)
        .bind(at.clone())
        .execute(&mut *tx)
        .await?;
        let change = [Pending::upsert(RecordKind::Employer, &employer.id)];
        changes::append(self, &mut tx, &change, &at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One employer.
    pub async fn employer(&self, id: &str) -> Result<Option<Employer>, StoreError> {
        let row = sqlx::query("SELECT document FROM employers WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(|r| parse(r, "employer")).transpose()
    }

    /// An employer's vacancies, newest first.
    pub async fn vacancies_of_employer(&self, employer: &str) -> Result<Vec<Vacancy>, StoreError> {
        let rows = sqlx::query(
            "SELECT document FROM vacancies WHERE employer = $1 ORDER BY posted DESC, id",
        )
        .bind(employer.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| parse(r, "vacancy")).collect()
    }

    /// Every employer, by id.
    pub async fn employers(&self) -> Result<Vec<Employer>, StoreError> {
        let rows = sqlx::query("SELECT document FROM employers ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| parse(r, "employer")).collect()
    }

    /// Adds or replaces a job seeker.
    pub async fn put_seeker(&self, seeker: &Seeker, now: DateTime<Utc>) -> Result<(), StoreError> {
        let at = timestamp(now);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO seekers (id, searchable, document, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET searchable = excluded.searchable, \
             document = excluded.document, updated_at = excluded.updated_at",
        )
        .bind(seeker.id.clone())
        .bind(i64::from(seeker.searchable))
        .bind(document(seeker)?)
        .bind(at.clone())
        .execute(&mut *tx)
        .await?;
        let change = [Pending::upsert(RecordKind::Seeker, &seeker.id)];
        changes::append(self, &mut tx, &change, &at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One job seeker.
    pub async fn seeker(&self, id: &str) -> Result<Option<Seeker>, StoreError> {
        let row = sqlx::query("SELECT document FROM seekers WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(|r| parse(r, "seeker")).transpose()
    }

    /// Every job seeker, by id.
    pub async fn seekers(&self) -> Result<Vec<Seeker>, StoreError> {
        let rows = sqlx::query("SELECT document FROM seekers ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| parse(r, "seeker")).collect()
    }

    /// How many seekers are stored, and how many of them consented to be found.
    pub async fn seeker_counts(&self) -> Result<(i64, i64), StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS total, CAST(COALESCE(SUM(searchable), 0) AS BIGINT) AS findable \
             FROM seekers",
        )
        .fetch_one(self.pool())
        .await?;
        Ok((row.try_get("total")?, row.try_get("findable")?))
    }

    /// Deletes a job seeker with their applications (cover notes included), the applications'
    /// status history and their saved vacancies, in one transaction; false when there was no
    /// such seeker (and then nothing is deleted).
    pub async fn delete_seeker(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let at = timestamp(now);
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM seekers WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        let applications: Vec<String> =
            sqlx::query_scalar("SELECT id FROM applications WHERE seeker_id = $1")
                .bind(id.to_string())
                .fetch_all(&mut *tx)
                .await?;
        sqlx::query("DELETE FROM applications WHERE seeker_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        // The history of an application that is gone may go (migration 0008).
        for application in applications {
            sqlx::query("DELETE FROM application_history WHERE application_id = $1")
                .bind(application)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM saved_vacancies WHERE seeker_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        changes::append(
            self,
            &mut tx,
            &[Pending::delete(RecordKind::Seeker, id)],
            &at,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Adds or replaces vacancies, all in one transaction: either every one is stored (and
    /// appears in the change feed) or none is.
    pub async fn put_vacancies(
        &self,
        vacancies: &[Vacancy],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.put_employers_and_vacancies(&[], vacancies, now)
            .await
            .map(|_| ())
    }

    /// Adds employers that do not exist yet (an existing employer's record is left as it is)
    /// and adds or replaces vacancies (an import that names its employers), all in one
    /// transaction. Returns how many employers were added.
    pub async fn put_employers_and_vacancies(
        &self,
        employers: &[Employer],
        vacancies: &[Vacancy],
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let at = timestamp(now);
        let mut tx = self.begin_write().await?;
        let mut added = 0;
        let mut log = Vec::with_capacity(employers.len() + vacancies.len());
        for employer in employers {
            let done = sqlx::query(
                "INSERT INTO employers (id, document, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(employer.id.clone())
            .bind(document(employer)?)
            .bind(at.clone())
            .execute(&mut *tx)
            .await?;
            added += done.rows_affected() as usize;
            if done.rows_affected() > 0 {
                log.push(Pending::upsert(RecordKind::Employer, &employer.id));
            }
        }
        for (i, vacancy) in vacancies.iter().enumerate() {
            // Checked inside the transaction: one bad record rolls back the ones before it.
            vacancy.validate().map_err(|errors| {
                let fields: Vec<String> = errors
                    .0
                    .iter()
                    .map(|e| format!("vacancies[{i}].{e}"))
                    .collect();
                StoreError::Invalid(fields.join("; "))
            })?;
            // A vacancy keeps its employer: a row of another employer is not replaced.
            let done = sqlx::query(
                "INSERT INTO vacancies (id, employer, status, posted, document, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (id) DO UPDATE SET \
                 status = excluded.status, posted = excluded.posted, \
                 document = excluded.document, updated_at = excluded.updated_at \
                 WHERE vacancies.employer = excluded.employer",
            )
            .bind(vacancy.id.clone())
            .bind(vacancy.employer.clone())
            .bind(status_name(vacancy.status))
            .bind(vacancy.posted.to_string())
            .bind(document(vacancy)?)
            .bind(at.clone())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict(format!(
                    "vacancy {} belongs to another employer",
                    vacancy.id
                )));
            }
            log.push(Pending::upsert(RecordKind::Vacancy, &vacancy.id));
        }
        changes::append(self, &mut tx, &log, &at).await?;
        tx.commit().await?;
        Ok(added)
    }

    /// True when any seeker or vacancy is stored (without reading them).
    pub async fn has_matching_records(&self) -> Result<bool, StoreError> {
        for table in ["vacancies", "seekers"] {
            let row: Option<AnyRow> = sqlx::query(&format!("SELECT id FROM {table} LIMIT 1"))
                .fetch_optional(self.pool())
                .await?;
            if row.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// One vacancy.
    pub async fn vacancy(&self, id: &str) -> Result<Option<Vacancy>, StoreError> {
        let row = sqlx::query("SELECT document FROM vacancies WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(|r| parse(r, "vacancy")).transpose()
    }

    /// Every vacancy, by id.
    pub async fn vacancies(&self) -> Result<Vec<Vacancy>, StoreError> {
        let rows = sqlx::query("SELECT document FROM vacancies ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| parse(r, "vacancy")).collect()
    }

    /// Up to `limit` vacancies with status open and an id after `after` (empty: from the
    /// start), by id: the pages of a snapshot.
    pub async fn open_vacancies_after(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Vec<Vacancy>, StoreError> {
        let rows = sqlx::query(
            "SELECT document FROM vacancies WHERE status = 'open' AND id > $1 \
             ORDER BY id LIMIT $2",
        )
        .bind(after.to_string())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| parse(r, "vacancy")).collect()
    }

    /// The cursor of the latest vacancy change (0 when there is none).
    pub async fn latest_vacancy_change(&self) -> Result<i64, StoreError> {
        self.latest_change_of(RecordKind::Vacancy).await
    }

    /// Deletes a vacancy (recorded in the change feed); false when there was none.
    pub async fn delete_vacancy(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM vacancies WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        let at = timestamp(now);
        changes::append(
            self,
            &mut tx,
            &[Pending::delete(RecordKind::Vacancy, id)],
            &at,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Up to `limit` vacancy changes after cursor `since` (0 for the beginning), in commit
    /// order: a reader that follows the cursor never misses one.
    pub async fn vacancy_changes(
        &self,
        since: i64,
        limit: i64,
    ) -> Result<Vec<VacancyChange>, StoreError> {
        let changes = self
            .changes_of_kind_after(RecordKind::Vacancy, since, limit)
            .await?;
        Ok(changes
            .into_iter()
            .map(|c| VacancyChange {
                seq: c.seq,
                vacancy_id: c.record_id,
                change: if c.deleted { "delete" } else { "upsert" }.to_string(),
                at: c.at,
            })
            .collect())
    }
}
