//! The analyst's page: aggregate statistics, small cells suppressed.

use super::*;

pub(super) async fn analyst_page(State(state): State<AppState>, page: Page) -> Response {
    let result = async {
        let summary = openpes_app::analytics::summary_view(&state, &page.caller, page.lang).await?;
        Ok(page.ok("analyst.html", context! { summary }))
    }
    .await;
    finish(&page, result)
}
