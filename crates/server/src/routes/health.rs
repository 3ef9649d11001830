//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database answers
//! and a taxonomy is loaded).

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
    Ok(Json(Health {
        status: "ready".into(),
        concepts: Some(concepts),
        database: Some(format!("{:?}", state.store().backend()).to_lowercase()),
        demo_accounts: Some(state.demo_accounts()),
    }))
}
