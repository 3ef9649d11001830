//! CV and vacancy files through the HTTP API and the web form: a PDF (Chinese text in a
//! Type0 font with a ToUnicode map, and English) is read and extracted against the starter
//! taxonomy with spans into the returned text; other formats, damaged files, scans and
//! oversized uploads get clear problems; a seeker uploads a DOCX CV on their page and gets
//! suggestions to confirm.

mod common;

use common::{start, urls, Session, TestResult};
use openpes_app::people::ensure_demo_accounts;
use reqwest::StatusCode;
use serde_json::Value;

/// The test CV: a PDF written by us (see openpes-extract's document tests).
const CV_PDF: &[u8] = include_bytes!("../../extract/tests/fixtures/cv-zh.pdf");

#[tokio::test]
async fn files_are_read_then_extracted() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/extract/file?kind=cv&lang=zh-TW", server.base);
    let response = client.post(&url).body(CV_PDF.to_vec()).send().await?;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await?;
    assert_eq!(body["format"], "pdf");
    assert!(
        body["text"].as_str().unwrap_or("").contains("堆高機操作"),
        "{body}"
    );
    let uris: Vec<&str> = body["skills"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(body["occupations"].as_array().into_iter().flatten())
        .filter_map(|c| c["concept"]["uri"].as_str())
        .collect();
    assert!(
        uris.iter().any(|u| u.ends_with("occupation/cashier")),
        "收銀員 is the cashier: {uris:?}"
    );
    assert!(
        uris.iter().any(|u| u.ends_with("skill/forklift-operation")),
        "{uris:?}"
    );
    // Spans point into the returned text.
    let text = body["text"].as_str().unwrap_or("");
    for concept in body["skills"].as_array().into_iter().flatten() {
        for span in concept["spans"].as_array().into_iter().flatten() {
            let (start, end) = (
                span["start"].as_u64().unwrap_or(0) as usize,
                span["end"].as_u64().unwrap_or(0) as usize,
            );
            assert_eq!(text.get(start..end), span["text"].as_str());
        }
    }
    // Formats that are not read, damaged files and scans get clear problems.
    for (bytes, status, code) in [
        (
            b"{\\rtf1 hello}".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_file",
        ),
        (
            CV_PDF[..CV_PDF.len() / 2].to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unreadable_file",
        ),
        (
            b"  \n ".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_text_in_file",
        ),
        (
            vec![b'a', 0xFF],
            StatusCode::UNPROCESSABLE_ENTITY,
            "file_not_utf8",
        ),
    ] {
        let response = client
            .post(&url)
            .header("accept-language", "en")
            .body(bytes)
            .send()
            .await?;
        assert_eq!(response.status(), status, "{code}");
        let problem: Value = response.json().await?;
        assert_eq!(problem["code"], code);
    }
    // Files may be larger than other requests, up to their own limit.
    let big = vec![b'a'; openpes_server::MAX_UPLOAD_BYTES + 1];
    let response = client.post(&url).body(big).send().await?;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    Ok(())
}

/// A DOCX with one paragraph per line, built with the zip crate as Word stores it.
fn docx(lines: &[&str]) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    use std::io::Write;
    let paragraphs: String = lines
        .iter()
        .map(|l| format!("<w:p><w:r><w:t>{l}</w:t></w:r></w:p>"))
        .collect();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document \
         xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body>{paragraphs}</w:body></w:document>"
    );
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("word/document.xml", options)?;
    zip.write_all(xml.as_bytes())?;
    zip.finish()?;
    Ok(out.into_inner())
}

#[tokio::test]
async fn a_seeker_uploads_a_docx_cv_on_their_page() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    let seeker: openpes_matching::Seeker =
        serde_json::from_value(serde_json::json!({"id": "demo-seeker-0000000"}))?;
    server
        .state
        .store()
        .put_seeker(&seeker, chrono::Utc::now())
        .await?;
    server.state.load_matching().await?;
    ensure_demo_accounts(&server.state)
        .await
        .map_err(|e| format!("{:?}", e.message))?;
    let base = &server.base;
    let session = Session::login(base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
    let upload = |bytes: Vec<u8>, csrf: String| {
        let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
            "cv_file",
            reqwest::multipart::Part::bytes(bytes).file_name("cv.docx"),
        );
        session
            .client
            .post(format!(
                "{base}/seekers/demo-seeker-0000000/cv-file?lang=en"
            ))
            .multipart(form)
            .send()
    };
    let file = docx(&["陳怡君", "收銀員 三年", "堆高機操作"])?;
    // Without the session's CSRF token the upload is refused.
    let refused = upload(file.clone(), "wrong".into()).await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let response = upload(file, session.csrf.clone().unwrap_or_default()).await?;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await?;
    assert!(
        page.contains("id=\"suggestions\""),
        "suggestions to confirm"
    );
    assert!(page.contains("堆高機操作"), "found in the file");
    let stored = server
        .state
        .store()
        .seeker("demo-seeker-0000000")
        .await?
        .ok_or("the seeker")?;
    assert_eq!(
        stored.cv_text.as_deref(),
        Some("陳怡君\n收銀員 三年\n堆高機操作")
    );
    // An old Word file gets a message that says what to send instead.
    let old = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
    let response = upload(old, session.csrf.clone().unwrap_or_default()).await?;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(response
        .text()
        .await?
        .contains("send a PDF, a DOCX or plain text"));
    Ok(())
}
