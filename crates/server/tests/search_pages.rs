//! The public job search page, on SQLite and PostgreSQL: anyone can search from the home page
//! without an account; words and places are understood, filters stay in the URL, codes are
//! shown as words in the reader's language, and a search without hits says so.

mod common;

use common::{admin, Error};
use openpes_test_support::on_each_backend;
use reqwest::Method;
use serde_json::json;

const STARTER: &str = "urn:openpes:starter:";

/// Stores one employer with a nurse's vacancy in Taipei and a cashier's in Kaohsiung.
async fn vacancies(server: &common::Server) -> Result<(), Error> {
    let admin = admin(server).await?;
    let base = &server.base;
    let (status, body) = admin
        .send(
            Method::PUT,
            &format!("{base}/api/v1/employers/e-1"),
            Some(json!({"id": "e-1", "name": "仁愛醫院"})),
        )
        .await?;
    assert!(status.is_success(), "{status} {body}");
    let posted = server.state.now().date_naive().to_string();
    for (id, title, occupation, place) in [
        ("v-nurse", "護理師（日班）", "registered-nurse", "TW-TPE"),
        ("v-cashier", "門市收銀員", "cashier", "TW-KHH"),
    ] {
        let vacancy = json!({
            "id": id, "employer": "e-1", "title": title,
            "occupation": format!("{STARTER}occupation/{occupation}"),
            "place": place, "contract": "permanent", "working_time": "full_time",
            "posted": posted, "status": "open",
        });
        let (status, body) = admin
            .send(
                Method::PUT,
                &format!("{base}/api/v1/vacancies/{id}"),
                Some(vacancy),
            )
            .await?;
        assert!(status.is_success(), "{status} {body}");
    }
    Ok(())
}

async fn page(url: &str) -> Result<(u16, String), Error> {
    let response = reqwest::get(url).await?;
    let status = response.status().as_u16();
    Ok((status, response.text().await?))
}

on_each_backend! {
    async fn anyone_finds_jobs_by_words_and_place(server: TestApp) -> TestResult {
        vacancies(&server).await?;
        let base = &server.base;
        // The home page has the search box.
        let (status, home) = page(&format!("{base}/")).await?;
        assert_eq!(status, 200);
        assert!(home.contains("action=\"/search\""), "{home}");
        // Words and a place as people write them (台北 for 臺北市), in Chinese by default.
        let (status, found) = page(&format!("{base}/search?q=%E8%AD%B7%E7%90%86%E5%B8%AB&place=%E8%87%BA%E5%8C%97%E5%B8%82")).await?;
        assert_eq!(status, 200, "{found}");
        assert!(found.contains("護理師（日班）"), "{found}");
        // The card links to the vacancy (minijinja escapes `/` in attributes).
        assert!(found.contains("vacancies&#x2f;v-nurse\""), "{found}");
        assert!(!found.contains("門市收銀員"), "the cashier is in Kaohsiung: {found}");
        // Codes are words: the contract in Chinese, never `permanent`.
        assert!(found.contains("不定期契約"), "{found}");
        assert!(!found.contains(">permanent<") && !found.contains("· permanent"), "{found}");
        // The filters stay in the form (the URL is the search).
        assert!(found.contains("value=\"護理師\""), "{found}");
        // In English, the same search in English words.
        let (_, english) = page(&format!("{base}/search?q=nurse&lang=en")).await?;
        assert!(english.contains("護理師（日班）"), "{english}");
        assert!(english.contains("Permanent"), "{english}");
        // A filter narrows: no part-time nurse.
        let (_, none) = page(&format!("{base}/search?q=%E8%AD%B7%E7%90%86%E5%B8%AB&working_time=part_time")).await?;
        assert!(none.contains("id=\"search-none\""), "{none}");
        // An unknown filter value is a page that says so, not a crash.
        let (status, bad) = page(&format!("{base}/search?q=x&contract=forever")).await?;
        assert_eq!(status, 400, "{bad}");
        assert!(bad.contains("forever"), "{bad}");
        Ok(())
    }
}
