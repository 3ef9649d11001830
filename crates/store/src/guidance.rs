//! Guidance records: the training catalog (courses as JSON documents; a batch is one
//! transaction, so an import stores all or nothing) and seekers' action plans. A plan step is
//! changed only against the version the editor saw (a stale edit is a conflict, never a silent
//! overwrite), and every version of every step is appended to `action_step_history`, which the
//! database refuses to update or delete (triggers).

use crate::changes::{self, Pending, RecordKind};
use crate::matching::timestamp;
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use openpes_guidance::{ActionStep, Course};
use sqlx::any::AnyRow;
use sqlx::Row;

/// One step of a seeker's action plan as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanStep {
    pub id: String,
    pub seeker_id: String,
    /// 1 when created, one more per change.
    pub version: i64,
    pub step: ActionStep,
    pub created_at: String,
    pub updated_at: String,
    /// User id of the last editor.
    pub updated_by: String,
}

/// One entry of a plan's history.
#[derive(Debug, Clone, PartialEq)]
pub struct StepChange {
    pub seq: i64,
    pub step_id: String,
    pub version: i64,
    /// `created` or `updated`.
    pub change: String,
    pub step: ActionStep,
    pub changed_by: String,
    pub changed_at: String,
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn parse<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn plan_step(row: &AnyRow) -> Result<PlanStep, StoreError> {
    Ok(PlanStep {
        id: row.try_get("id")?,
        seeker_id: row.try_get("seeker_id")?,
        version: row.try_get("version")?,
        step: parse(&row.try_get::<String, _>("document")?, "action step")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        updated_by: row.try_get("updated_by")?,
    })
}

const STEP_COLUMNS: &str = "id, seeker_id, version, document, created_at, updated_at, updated_by";

impl Store {
    /// Adds or replaces courses, all in one transaction; each is validated first (a bad one
    /// rolls back the ones before it, and is named by its position).
    pub async fn put_courses(
        &self,
        courses: &[Course],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let at = timestamp(now);
        let mut tx = self.begin_write().await?;
        for (i, course) in courses.iter().enumerate() {
            course.validate().map_err(|errors| {
                let fields: Vec<String> = errors
                    .0
                    .iter()
                    .map(|e| format!("courses[{i}].{e}"))
                    .collect();
                StoreError::Invalid(fields.join("; "))
            })?;
            sqlx::query(
                "INSERT INTO courses (id, provider, document, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, \
                 document = excluded.document, updated_at = excluded.updated_at",
            )
            .bind(course.id.clone())
            .bind(course.provider.clone())
            .bind(json(course)?)
            .bind(at.clone())
            .execute(&mut *tx)
            .await?;
        }
        let log: Vec<Pending<'_>> = courses
            .iter()
            .map(|c| Pending::upsert(RecordKind::Course, &c.id))
            .collect();
        changes::append(self, &mut tx, &log, &at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One course.
    pub async fn course(&self, id: &str) -> Result<Option<Course>, StoreError> {
        let row = sqlx::query("SELECT document FROM courses WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| parse(&r.try_get::<String, _>("document")?, "course"))
            .transpose()
    }

    /// Every course, by id.
    pub async fn courses(&self) -> Result<Vec<Course>, StoreError> {
        let rows = sqlx::query("SELECT document FROM courses ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| parse(&r.try_get::<String, _>("document")?, "course"))
            .collect()
    }

    /// Up to `limit` courses after the id `after`, by id.
    pub async fn courses_page(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Course>, StoreError> {
        let rows = sqlx::query("SELECT document FROM courses WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after.unwrap_or("").to_string())
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| parse(&r.try_get::<String, _>("document")?, "course"))
            .collect()
    }

    /// True when the catalog holds any course.
    pub async fn has_courses(&self) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM courses")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    /// Removes a course; false if there was none.
    pub async fn delete_course(&self, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM courses WHERE id = $1")
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
            &[Pending::delete(RecordKind::Course, id)],
            &at,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Adds a step to a seeker's plan (version 1), with its history entry.
    pub async fn add_plan_step(
        &self,
        seeker_id: &str,
        id: &str,
        step: &ActionStep,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<PlanStep, StoreError> {
        let at = timestamp(now);
        let document = json(step)?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO action_steps (id, seeker_id, version, document, created_at, updated_at, \
             updated_by) VALUES ($1, $2, 1, $3, $4, $4, $5)",
        )
        .bind(id.to_string())
        .bind(seeker_id.to_string())
        .bind(document.clone())
        .bind(at.clone())
        .bind(by.to_string())
        .execute(&mut *tx)
        .await?;
        append_history(&mut tx, id, seeker_id, 1, "created", &document, by, &at).await?;
        tx.commit().await?;
        Ok(PlanStep {
            id: id.to_string(),
            seeker_id: seeker_id.to_string(),
            version: 1,
            step: step.clone(),
            created_at: at.clone(),
            updated_at: at,
            updated_by: by.to_string(),
        })
    }

    /// Changes a step if it is still at `expected_version`; `None` when the seeker has no such
    /// step, [`StoreError::Conflict`] when someone changed it since.
    pub async fn update_plan_step(
        &self,
        seeker_id: &str,
        id: &str,
        expected_version: i64,
        step: &ActionStep,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<PlanStep>, StoreError> {
        let at = timestamp(now);
        let document = json(step)?;
        let mut tx = self.begin_write().await?;
        let current = sqlx::query(&format!(
            "SELECT {STEP_COLUMNS} FROM action_steps WHERE id = $1 AND seeker_id = $2"
        ))
        .bind(id.to_string())
        .bind(seeker_id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(current) = current.as_ref().map(plan_step).transpose()? else {
            return Ok(None);
        };
        let version =
            crate::versioned::next_version("step", id, current.version, expected_version)?;
        let changed = sqlx::query(
            "UPDATE action_steps SET version = $1, document = $2, updated_at = $3, \
             updated_by = $4 WHERE id = $5 AND version = $6",
        )
        .bind(version)
        .bind(document.clone())
        .bind(at.clone())
        .bind(by.to_string())
        .bind(id.to_string())
        .bind(expected_version)
        .execute(&mut *tx)
        .await?;
        crate::versioned::updated_once(&changed, "step", id)?;
        append_history(
            &mut tx, id, seeker_id, version, "updated", &document, by, &at,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(PlanStep {
            version,
            step: step.clone(),
            updated_at: at,
            updated_by: by.to_string(),
            ..current
        }))
    }

    /// A seeker's plan, oldest step first.
    pub async fn plan_steps(&self, seeker_id: &str) -> Result<Vec<PlanStep>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {STEP_COLUMNS} FROM action_steps WHERE seeker_id = $1 ORDER BY created_at, id"
        ))
        .bind(seeker_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(plan_step).collect()
    }

    /// Every version of every step of a seeker's plan, oldest first.
    pub async fn plan_history(&self, seeker_id: &str) -> Result<Vec<StepChange>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, step_id, version, change, document, changed_by, changed_at \
             FROM action_step_history WHERE seeker_id = $1 ORDER BY seq",
        )
        .bind(seeker_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StepChange {
                    seq: r.try_get("seq")?,
                    step_id: r.try_get("step_id")?,
                    version: r.try_get("version")?,
                    change: r.try_get("change")?,
                    step: parse(&r.try_get::<String, _>("document")?, "action step")?,
                    changed_by: r.try_get("changed_by")?,
                    changed_at: r.try_get("changed_at")?,
                })
            })
            .collect()
    }

    /// Tries to rewrite and then to delete a seeker's plan history; the database must refuse
    /// both (used by tests to prove the history is append-only). Returns the two outcomes.
    pub async fn try_rewrite_plan_history(
        &self,
        seeker_id: &str,
    ) -> (Result<(), StoreError>, Result<(), StoreError>) {
        let update =
            sqlx::query("UPDATE action_step_history SET changed_by = 'x' WHERE seeker_id = $1")
                .bind(seeker_id.to_string())
                .execute(self.pool())
                .await;
        let delete = sqlx::query("DELETE FROM action_step_history WHERE seeker_id = $1")
            .bind(seeker_id.to_string())
            .execute(self.pool())
            .await;
        (
            update.map(|_| ()).map_err(StoreError::from),
            delete.map(|_| ()).map_err(StoreError::from),
        )
    }
}

#[allow(clippy::too_many_arguments)]
async fn append_history(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    step_id: &str,
    seeker_id: &str,
    version: i64,
    change: &str,
    document: &str,
    by: &str,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO action_step_history (step_id, seeker_id, version, change, document, \
         changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(step_id.to_string())
    .bind(seeker_id.to_string())
    .bind(version)
    .bind(change.to_string())
    .bind(document.to_string())
    .bind(by.to_string())
    .bind(at.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
