//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database answers,
//! a taxonomy is loaded and it is the one the database holds; with the node's position in the
//! change log and how far behind it is).

use crate::dto::Health;
use crate::error::ApiError;
use crate::i18n::Message;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// Liveness probe.
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, description = "The process is alive", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        concepts: None,
        database: None,
        demo_accounts: None,
        taxonomy: None,
        applied_change: None,
        changes_behind: None,
    })
}

/// Readiness probe: the database answers and the taxonomy is loaded.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "Not ready", body = crate::error::Problem)))]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    if let Err(e) = state.store().ping().await {
        tracing::warn!(error = %e, "readiness: database does not answer");
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Message::NotReady(crate::i18n::Component::Database),
        ));
    }
    let concepts = state.taxonomy().concepts().len();
    if concepts == 0 {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Message::NotReady(crate::i18n::Component::Taxonomy),
        ));
    }
    let follow = match state.follow_status().await {
        Ok(follow) => follow,
        Err(e) => {
            tracing::warn!(error = %e, "readiness: cannot read the change log");
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                Message::NotReady(crate::i18n::Component::Database),
            ));
        }
    };
    if follow.stale_taxonomy() {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Message::NotReady(crate::i18n::Component::TaxonomyBehind),
        ));
    }
    Ok(Json(Health {
        status: "ready".into(),
        concepts: Some(concepts),
        database: Some(format!("{:?}", state.store().backend()).to_lowercase()),
        demo_accounts: Some(state.demo_accounts()),
        applied_change: Some(follow.applied),
        changes_behind: Some(follow.behind()),
        taxonomy: follow.taxonomy.or(Some(follow.database_taxonomy)),
    }))
}
