//! Public job search, without an account: a search box (words and a place), filters for
//! contract and working time, relevance or date order and cursor pages, every filter in the
//! URL so a search can be bookmarked and shared. What the words were understood as is shown
//! with the hits; zero hits say so. The search itself is `openpes_app::search`.

use super::*;
use openpes_app::search::SearchRequest;

/// The search form, as it arrives in the URL (blank fields are no filter).
#[derive(Debug, Default, Deserialize, Serialize)]
pub(super) struct SearchForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    contract: String,
    #[serde(default)]
    working_time: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    cursor: String,
}

fn given(value: &str) -> Option<String> {
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}

/// One hit as its card shows it.
#[derive(Serialize)]
struct HitCard {
    href: String,
    title: String,
    place: Option<String>,
    occupation: Option<String>,
    contract: &'static str,
    posted: String,
}

/// `GET /search`: the search page, with hits when anything was asked.
pub(super) async fn search_page(
    State(state): State<AppState>,
    page: Page,
    Query(form): Query<SearchForm>,
) -> Response {
    let asked = [&form.q, &form.place, &form.contract, &form.working_time]
        .iter()
        .any(|v| !v.trim().is_empty());
    if !asked {
        return page.ok(
            "search.html",
            context! { form => Value::from_serialize(&form) },
        );
    }
    let request = SearchRequest {
        q: given(&form.q),
        place: given(&form.place),
        contract: given(&form.contract),
        working_time: given(&form.working_time),
        sort: given(&form.sort),
        cursor: given(&form.cursor),
        limit: Some(20),
        ..SearchRequest::default()
    };
    match openpes_app::search::search(&state, &request, page.lang).await {
        Ok(answer) => {
            let hits: Vec<HitCard> = answer
                .results
                .iter()
                .map(|hit| HitCard {
                    href: format!("/vacancies/{}", hit.id),
                    title: hit.title.clone(),
                    place: hit.place.as_ref().map(|p| p.name.clone()),
                    occupation: hit.occupation.as_ref().map(|o| o.label.clone()),
                    contract: i18n::word(page.lang, &format!("contract_{}", hit.contract)),
                    posted: hit.posted.to_string(),
                })
                .collect();
            let next = answer.next_cursor.as_ref().map(|cursor| {
                let mut next = url::form_urlencoded::Serializer::new(String::new());
                for (key, value) in [
                    ("q", &form.q),
                    ("place", &form.place),
                    ("contract", &form.contract),
                    ("working_time", &form.working_time),
                    ("sort", &form.sort),
                ] {
                    if !value.trim().is_empty() {
                        next.append_pair(key, value);
                    }
                }
                next.append_pair("cursor", cursor);
                format!("/search?{}", next.finish())
            });
            let understood: Vec<String> = answer
                .interpreted
                .occupations
                .iter()
                .chain(&answer.interpreted.skills)
                .map(|c| c.label.clone())
                .chain(answer.interpreted.places.iter().map(|p| p.name.clone()))
                .collect();
            page.ok(
                "search.html",
                context! {
                    form => Value::from_serialize(&form),
                    searched => true,
                    total => answer.total,
                    hits => Value::from_serialize(&hits),
                    understood => understood_text(&understood, page.lang),
                    next,
                },
            )
        }
        Err(error) => {
            let error = PageError::from(error);
            page.render(
                "search.html",
                error.status,
                context! {
                    form => Value::from_serialize(&form),
                    error => error.message.render(page.lang),
                },
            )
        }
    }
}

/// What the words were understood as, in parentheses of the reader's language (none when
/// nothing was recognised).
fn understood_text(names: &[String], lang: UiLang) -> Option<String> {
    if names.is_empty() {
        return None;
    }
    let names = openpes_app::words::list(names, lang);
    Some(match lang {
        UiLang::ZhTw => format!("（{}：{names}）", i18n::word(lang, "search_understood")),
        UiLang::En => format!(" ({}: {names})", i18n::word(lang, "search_understood")),
    })
}
