//! Seekers' saved vacancies and applications. A seeker applies once per vacancy (a second
//! application is a conflict); an application's status changes only against the version the
//! editor saw, and every status is appended to `application_history`, which the database
//! refuses to update or delete (triggers). Which status may follow which is decided by the
//! caller (the server), not here.

use crate::matching::timestamp;
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A vacancy a seeker keeps for later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedVacancy {
    pub vacancy_id: String,
    pub saved_at: String,
}

/// A new application, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApplication {
    pub id: String,
    pub seeker_id: String,
    pub vacancy_id: String,
    pub employer_id: String,
    /// The first status (normally `applied`).
    pub status: String,
    /// The seeker's message to the employer.
    pub note: String,
}

/// An application as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRecord {
    pub id: String,
    pub seeker_id: String,
    pub vacancy_id: String,
    pub employer_id: String,
    pub status: String,
    pub note: String,
    /// 1 when created, one more per status change.
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// User id of the last editor.
    pub updated_by: String,
}

/// One status of an application's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationChange {
    pub seq: i64,
    pub version: i64,
    pub status: String,
    pub comment: String,
    pub changed_by: String,
    pub changed_at: String,
}

const COLUMNS: &str = "id, seeker_id, vacancy_id, employer_id, status, note, version, \
                       created_at, updated_at, updated_by";

fn application(row: &AnyRow) -> Result<ApplicationRecord, StoreError> {
    Ok(ApplicationRecord {
        id: row.try_get("id")?,
        seeker_id: row.try_get("seeker_id")?,
        vacancy_id: row.try_get("vacancy_id")?,
        employer_id: row.try_get("employer_id")?,
        status: row.try_get("status")?,
        note: row.try_get("note")?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        updated_by: row.try_get("updated_by")?,
    })
}

impl Store {
    /// Keeps a vacancy in a seeker's list; `false` when it was there already.
    pub async fn save_vacancy(
        &self,
        seeker_id: &str,
        vacancy_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO saved_vacancies (seeker_id, vacancy_id, saved_at) VALUES ($1, $2, $3) \
             ON CONFLICT (seeker_id, vacancy_id) DO NOTHING",
        )
        .bind(seeker_id.to_string())
        .bind(vacancy_id.to_string())
        .bind(timestamp(now))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Drops a vacancy from a seeker's list; `false` when it was not there.
    pub async fn unsave_vacancy(
        &self,
        seeker_id: &str,
        vacancy_id: &str,
    ) -> Result<bool, StoreError> {
        let done =
            sqlx::query("DELETE FROM saved_vacancies WHERE seeker_id = $1 AND vacancy_id = $2")
                .bind(seeker_id.to_string())
                .bind(vacancy_id.to_string())
                .execute(self.pool())
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Whether a seeker keeps this vacancy.
    pub async fn is_saved(&self, seeker_id: &str, vacancy_id: &str) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 AS one FROM saved_vacancies WHERE seeker_id = $1 AND vacancy_id = $2",
        )
        .bind(seeker_id.to_string())
        .bind(vacancy_id.to_string())
        .fetch_optional(self.pool())
        .await?;
        Ok(row.is_some())
    }

    /// A seeker's saved vacancies, newest first.
    pub async fn saved_vacancies(&self, seeker_id: &str) -> Result<Vec<SavedVacancy>, StoreError> {
        let rows = sqlx::query(
            "SELECT vacancy_id, saved_at FROM saved_vacancies WHERE seeker_id = $1 \
             ORDER BY saved_at DESC, vacancy_id",
        )
        .bind(seeker_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SavedVacancy {
                    vacancy_id: r.try_get("vacancy_id")?,
                    saved_at: r.try_get("saved_at")?,
                })
            })
            .collect()
    }

    /// Stores a new application (version 1) with its first history entry;
    /// [`StoreError::Conflict`] when the seeker applied for the vacancy already.
    pub async fn add_application(
        &self,
        new: &NewApplication,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<ApplicationRecord, StoreError> {
        let at = timestamp(now);
        let mut tx = self.begin_write().await?;
        sqlx::query(&format!(
            "INSERT INTO applications ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7, $8)"
        ))
        .bind(new.id.clone())
        .bind(new.seeker_id.clone())
        .bind(new.vacancy_id.clone())
        .bind(new.employer_id.clone())
        .bind(new.status.clone())
        .bind(new.note.clone())
        .bind(at.clone())
        .bind(by.to_string())
        .execute(&mut *tx)
        .await
        .map_err(|e| match e.as_database_error() {
            Some(db) if db.is_unique_violation() => StoreError::Conflict(format!(
                "{} applied for vacancy {} already",
                new.seeker_id, new.vacancy_id
            )),
            _ => StoreError::from(e),
        })?;
        append_history(&mut tx, &new.id, 1, &new.status, "", by, &at).await?;
        tx.commit().await?;
        Ok(ApplicationRecord {
            id: new.id.clone(),
            seeker_id: new.seeker_id.clone(),
            vacancy_id: new.vacancy_id.clone(),
            employer_id: new.employer_id.clone(),
            status: new.status.clone(),
            note: new.note.clone(),
            version: 1,
            created_at: at.clone(),
            updated_at: at,
            updated_by: by.to_string(),
        })
    }

    /// The application with this id.
    pub async fn application(&self, id: &str) -> Result<Option<ApplicationRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM applications WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(application).transpose()
    }

    /// A seeker's application for a vacancy, if any.
    pub async fn application_for(
        &self,
        seeker_id: &str,
        vacancy_id: &str,
    ) -> Result<Option<ApplicationRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM applications WHERE seeker_id = $1 AND vacancy_id = $2"
        ))
        .bind(seeker_id.to_string())
        .bind(vacancy_id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(application).transpose()
    }

    /// A seeker's applications, newest first.
    pub async fn applications_of_seeker(
        &self,
        seeker_id: &str,
    ) -> Result<Vec<ApplicationRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM applications WHERE seeker_id = $1 ORDER BY created_at DESC, id"
        ))
        .bind(seeker_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(application).collect()
    }

    /// The applications for a vacancy, oldest first.
    pub async fn applications_for_vacancy(
        &self,
        vacancy_id: &str,
    ) -> Result<Vec<ApplicationRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM applications WHERE vacancy_id = $1 ORDER BY created_at, id"
        ))
        .bind(vacancy_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(application).collect()
    }

    /// Sets an application's status if it is still at `expected_version`; `None` when there is
    /// no such application, [`StoreError::Conflict`] when it changed since.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_application_status(
        &self,
        id: &str,
        expected_version: i64,
        status: &str,
        comment: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ApplicationRecord>, StoreError> {
        let at = timestamp(now);
        let mut tx = self.begin_write().await?;
        let current = sqlx::query(&format!("SELECT {COLUMNS} FROM applications WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(current) = current.as_ref().map(application).transpose()? else {
            return Ok(None);
        };
        let version =
            crate::versioned::next_version("application", id, current.version, expected_version)?;
        let changed = sqlx::query(
            "UPDATE applications SET status = $1, version = $2, updated_at = $3, updated_by = $4 \
             WHERE id = $5 AND version = $6",
        )
        .bind(status.to_string())
        .bind(version)
        .bind(at.clone())
        .bind(by.to_string())
        .bind(id.to_string())
        .bind(expected_version)
        .execute(&mut *tx)
        .await?;
        crate::versioned::updated_once(&changed, "application", id)?;
        append_history(&mut tx, id, version, status, comment, by, &at).await?;
        tx.commit().await?;
        Ok(Some(ApplicationRecord {
            status: status.to_string(),
            version,
            updated_at: at,
            updated_by: by.to_string(),
            ..current
        }))
    }

    /// Every status of an application, oldest first.
    pub async fn application_history(
        &self,
        id: &str,
    ) -> Result<Vec<ApplicationChange>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, version, status, comment, changed_by, changed_at \
             FROM application_history WHERE application_id = $1 ORDER BY seq",
        )
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ApplicationChange {
                    seq: r.try_get("seq")?,
                    version: r.try_get("version")?,
                    status: r.try_get("status")?,
                    comment: r.try_get("comment")?,
                    changed_by: r.try_get("changed_by")?,
                    changed_at: r.try_get("changed_at")?,
                })
            })
            .collect()
    }

    /// Tries to rewrite and then to delete an application's history; the database must refuse
    /// both (used by tests to prove the history is append-only).
    pub async fn try_rewrite_application_history(
        &self,
        id: &str,
    ) -> (Result<(), StoreError>, Result<(), StoreError>) {
        let update = sqlx::query(
            "UPDATE application_history SET status = 'hired' WHERE application_id = $1",
        )
        .bind(id.to_string())
        .execute(self.pool())
        .await;
        let delete = sqlx::query("DELETE FROM application_history WHERE application_id = $1")
            .bind(id.to_string())
            .execute(self.pool())
            .await;
        (
            update.map(|_| ()).map_err(StoreError::from),
            delete.map(|_| ()).map_err(StoreError::from),
        )
    }
}

async fn append_history(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    version: i64,
    status: &str,
    comment: &str,
    by: &str,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO application_history (application_id, version, status, comment, \
         changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.to_string())
    .bind(version)
    .bind(status.to_string())
    .bind(comment.to_string())
    .bind(by.to_string())
    .bind(at.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
