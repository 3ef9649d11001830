//! The caseworker's caseload: the seekers they hold, each read written to the audit log.

use super::*;

#[derive(Deserialize)]
pub(super) struct CaseloadQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    pending: Option<String>,
}

pub(super) async fn caseload_page(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<CaseloadQuery>,
) -> Response {
    let result = async {
        let entries = openpes_app::casework::caseload(&state, &page.caller).await?;
        let needle = query.q.trim().to_lowercase();
        let entries: Vec<_> = entries
            .into_iter()
            .filter(|e| {
                needle.is_empty()
                    || e.name
                        .as_deref()
                        .unwrap_or("")
                        .to_lowercase()
                        .contains(&needle)
                    || e.seeker_id.contains(&needle)
                    || e.place
                        .as_deref()
                        .unwrap_or("")
                        .to_lowercase()
                        .contains(&needle)
            })
            .filter(|e| query.pending.is_none() || e.pending_suggestions > 0)
            .collect();
        Ok(page.ok(
            "caseload.html",
            context! { entries, q => query.q, pending => query.pending.is_some() },
        ))
    }
    .await;
    finish(&page, result)
}
