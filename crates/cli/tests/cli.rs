//! The `openpes` binary end to end: importing the real ESCO export and reading back its counts,
//! idempotent re-imports, bad files that fail with file/line/field and change nothing, search,
//! and `serve` answering HTTP. Tests that need `../shared/data` skip when it is absent (and
//! fail in CI).

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn shared_data() -> Option<PathBuf> {
    let dir = std::env::var_os("OPENPES_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    if dir.join("README.md").exists() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "shared data not found at {} (required in CI)",
            dir.display()
        );
    }
    eprintln!("SKIPPED: shared data not found at {}", dir.display());
    None
}

fn openpes(data_dir: &Path, args: &[&str]) -> Result<Output, std::io::Error> {
    Command::new(env!("CARGO_BIN_EXE_openpes"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("OPENPES_CONFIG")
        .env_remove("OPENPES__DATABASE__URL")
        .output()
}

fn json_of(output: &Output) -> Result<Value, Box<dyn std::error::Error>> {
    if !output.status.success() {
        return Err(format!(
            "command failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}

#[test]
fn esco_import_then_stats_shows_the_published_counts() -> TestResult {
    let Some(data) = shared_data() else {
        return Ok(());
    };
    let dir = tempfile::tempdir()?;
    let esco = data.join("esco/v1.1.1-en");
    let esco = esco.to_str().ok_or("path")?;
    let report = json_of(&openpes(dir.path(), &["taxonomy", "import", "esco", esco])?)?;
    assert_eq!(report["outcome"], "imported");
    assert_eq!(report["version"], "1.1.1");

    let stats = json_of(&openpes(dir.path(), &["taxonomy", "stats"])?)?;
    assert_eq!(stats["occupations"], 3007);
    assert_eq!(stats["skills"], 13896);
    assert_eq!(stats["occupation_skill_relations"], 123_855);
    assert_eq!(stats["sources"][0]["source"], "esco");

    let again = json_of(&openpes(dir.path(), &["taxonomy", "import", "esco", esco])?)?;
    assert_eq!(again["outcome"], "unchanged");

    let found = json_of(&openpes(
        dir.path(),
        &[
            "taxonomy",
            "search",
            "software developer",
            "--kind",
            "occupation",
            "--limit",
            "3",
        ],
    )?)?;
    assert_eq!(found["results"][0]["label"], "software developer");
    Ok(())
}

/// Writes a tiny ESCO-format export whose `skills_en.csv` has an empty URI on line 3.
fn write_bad_esco(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let files: [(&str, &str); 8] = [
        ("ISCOGroups_en.csv", "conceptType,conceptUri,code,preferredLabel,altLabels,description\nISCOGroup,urn:g:7,7,Craft workers,,\n"),
        ("occupations_en.csv", "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,description,code\nOccupation,urn:o:1,7212,welder,,,,7212.1\n"),
        ("skillGroups_en.csv", "conceptType,conceptUri,preferredLabel,altLabels,hiddenLabels,description,code\n"),
        ("skills_en.csv", "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,description\nKnowledgeSkillCompetence,urn:s:1,skill/competence,sector-specific,weld metal,,,\nKnowledgeSkillCompetence,,skill/competence,sector-specific,cut metal,,,\n"),
        ("broaderRelationsOccPillar.csv", "conceptType,conceptUri,broaderType,broaderUri\n"),
        ("broaderRelationsSkillPillar.csv", "conceptType,conceptUri,broaderType,broaderUri\n"),
        ("occupationSkillRelations.csv", "occupationUri,relationType,skillType,skillUri\n"),
        ("skillSkillRelations.csv", "originalSkillUri,originalSkillType,relationType,relatedSkillType,relatedSkillUri\n"),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(())
}

#[test]
fn bad_files_fail_clearly_and_change_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let before = json_of(&openpes(dir.path(), &["taxonomy", "stats"])?)?;
    assert!(
        before["occupations"].as_u64().unwrap_or(0) >= 120,
        "starter loaded: {before}"
    );

    let bad = dir.path().join("bad-esco");
    write_bad_esco(&bad)?;
    let output = openpes(
        dir.path(),
        &["taxonomy", "import", "esco", bad.to_str().ok_or("path")?],
    )?;
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("skills_en.csv, line 3, field 'conceptUri'"),
        "{message}"
    );
    assert!(message.contains("not changed"), "{message}");

    // A malformed relation is caught with its line too.
    std::fs::write(bad.join("skills_en.csv"), "conceptType,conceptUri,skillType,reuseLevel,preferredLabel\nKnowledgeSkillCompetence,urn:s:1,skill/competence,sector-specific,weld metal\n")?;
    std::fs::write(bad.join("occupationSkillRelations.csv"), "occupationUri,relationType,skillType,skillUri\nurn:o:1,essential,skill/competence,urn:s:1\nurn:o:1,mandatory,skill/competence,urn:s:1\n")?;
    let output = openpes(
        dir.path(),
        &["taxonomy", "import", "esco", bad.to_str().ok_or("path")?],
    )?;
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("occupationSkillRelations.csv, line 3, field 'relationType'"),
        "{message}"
    );
    assert!(message.contains("'mandatory'"), "{message}");

    let bundle = dir.path().join("broken.json");
    std::fs::write(&bundle, "{\"format\": \"openpes-taxonomy-bundle/1\",\n \"source\": \"x\", \"version\": \"1\",\n \"concepts\": [ {\"id\": 1} ]}")?;
    let output = openpes(
        dir.path(),
        &[
            "taxonomy",
            "import",
            "bundle",
            bundle.to_str().ok_or("path")?,
        ],
    )?;
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("broken.json, line 3, field 'concepts[0].id'"),
        "{message}"
    );

    let after = json_of(&openpes(dir.path(), &["taxonomy", "stats"])?)?;
    assert_eq!(before, after);
    Ok(())
}

#[test]
fn bundle_import_adds_a_national_classification() -> TestResult {
    let dir = tempfile::tempdir()?;
    // The first command on an empty database stores the starter taxonomy.
    json_of(&openpes(dir.path(), &["taxonomy", "stats"])?)?;
    let bundle = dir.path().join("tw.json");
    std::fs::write(
        &bundle,
        r#"{"format": "openpes-taxonomy-bundle/1", "source": "tw-occ", "version": "6",
            "concepts": [
              {"id": "2", "kind": "occupation_group", "labels": {"zh-TW": {"preferred": "專業人員"}}},
              {"id": "2221", "kind": "occupation_group", "broader": ["2"], "codes": {"isco08": "2221"},
               "labels": {"zh-TW": {"preferred": "護理專業人員"}, "en": {"preferred": "Nursing professionals"}}}
            ]}"#,
    )?;
    let report = json_of(&openpes(
        dir.path(),
        &[
            "taxonomy",
            "import",
            "bundle",
            bundle.to_str().ok_or("path")?,
        ],
    )?)?;
    assert_eq!(report["outcome"], "imported");
    assert_eq!(report["replaced"], serde_json::json!(["starter"]));
    let stats = json_of(&openpes(dir.path(), &["taxonomy", "stats"])?)?;
    assert_eq!(stats["occupation_groups"], 2);
    assert_eq!(stats["occupations"], 0);
    let found = json_of(&openpes(
        dir.path(),
        &["taxonomy", "search", "護理", "--lang", "zh-TW"],
    )?)?;
    assert_eq!(found["results"][0]["label"], "護理專業人員");
    Ok(())
}

fn http_get(address: &str, path: &str) -> Result<(u16, String), Box<dyn std::error::Error>> {
    let (status, _, body) = http(address, &format!("GET {path}"), "", "")?;
    Ok((status, body))
}

/// One HTTP/1.1 exchange: the status, the header block and the body.
fn http(
    address: &str,
    request_line: &str,
    headers: &str,
    body: &str,
) -> Result<(u16, String, String), Box<dyn std::error::Error>> {
    let mut stream = std::net::TcpStream::connect(address)?;
    write!(
        stream,
        "{request_line} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n{headers}\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    Ok((status, head.to_string(), body.to_string()))
}

/// Starts `openpes serve` on a free port with `extra` arguments; returns the child and the
/// address it reports (None when it exited first), with everything it wrote to stderr until
/// then.
fn spawn_serve(
    data_dir: &Path,
    extra: &[&str],
) -> Result<(std::process::Child, Option<String>, String), Box<dyn std::error::Error>> {
    let mut child = start_serve(data_dir, extra)?;
    let (address, said) = wait_listening(&mut child)?;
    Ok((child, address, said))
}

/// Starts `openpes serve` on a free port with `extra` arguments, without waiting.
fn start_serve(
    data_dir: &Path,
    extra: &[&str],
) -> Result<std::process::Child, Box<dyn std::error::Error>> {
    Ok(Command::new(env!("CARGO_BIN_EXE_openpes"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(extra)
        .env_remove("OPENPES_CONFIG")
        .env_remove("OPENPES__SERVER__DEMO")
        .env_remove("OPENPES__DATABASE__URL")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?)
}

/// Reads a started server's stderr until it says where it listens (None when it exited
/// first); returns that address and what it wrote until then.
fn wait_listening(
    child: &mut std::process::Child,
) -> Result<(Option<String>, String), Box<dyn std::error::Error>> {
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let mut address = None;
    let mut said = String::new();
    let mut lines = BufReader::new(stderr).lines();
    for line in lines.by_ref() {
        let line = line?;
        said.push_str(&line);
        said.push('\n');
        if let Some(rest) = line.split("listening on http://").nth(1) {
            address = rest.split_whitespace().next().map(str::to_string);
            break;
        }
    }
    // Keep reading what the server logs, so that a full pipe never blocks it.
    std::thread::spawn(move || lines.for_each(drop));
    Ok((address, said))
}

/// Signs in over the API; the session cookie on success.
fn login(
    address: &str,
    email: &str,
    password: &str,
) -> Result<(u16, Option<String>), Box<dyn std::error::Error>> {
    let (status, head, _) = http(
        address,
        "POST /api/v1/auth/login",
        "Content-Type: application/json\r\n",
        &serde_json::json!({ "email": email, "password": password }).to_string(),
    )?;
    let cookie = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .and_then(|(_, value)| value.trim().split(';').next())
        .map(str::to_string);
    Ok((status, cookie))
}

#[test]
fn a_production_start_creates_no_demo_account_and_needs_an_administrator() -> TestResult {
    let dir = tempfile::tempdir()?;
    // No administrator yet: the server refuses to run and says how to create one.
    let (mut child, address, said) = spawn_serve(dir.path(), &[])?;
    let status = child.wait()?;
    assert!(address.is_none() && !status.success(), "{said}");
    assert!(said.contains("openpes admin create --email"), "{said}");
    // A password is read from a file or the terminal, never taken as an argument.
    let mut create = Command::new(env!("CARGO_BIN_EXE_openpes"))
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "admin",
            "create",
            "--email",
            "chief@agency.example",
            "--password-file",
            "-",
        ])
        .env_remove("OPENPES_CONFIG")
        .env_remove("OPENPES__DATABASE__URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    create
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(b"a long enough secret\n")?;
    let out = create.wait_with_output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (mut child, address, said) = spawn_serve(dir.path(), &[])?;
    let result = (|| -> TestResult {
        let address = address.ok_or_else(|| format!("server did not start: {said}"))?;
        let (status, body) = http_get(&address, "/readyz")?;
        assert_eq!(status, 200, "{body}");
        let ready: Value = serde_json::from_str(&body)?;
        assert_eq!(ready["demo_accounts"], false, "{body}");
        // The published demo password opens nothing; no demo data was stored.
        let (status, _) = login(&address, "admin@demo.openpes.tw", "demo-admin-pass")?;
        assert_eq!(status, 401);
        let (status, cookie) = login(&address, "chief@agency.example", "a long enough secret")?;
        assert_eq!(status, 200);
        let cookie = cookie.ok_or("no session cookie")?;
        let (status, _, body) = http(
            &address,
            "GET /api/v1/admin/users",
            &format!("Cookie: {cookie}\r\n"),
            "",
        )?;
        assert_eq!(status, 200, "{body}");
        let users: Value = serde_json::from_str(&body)?;
        assert_eq!(users.as_array().map(Vec::len), Some(1), "{body}");
        let (_, page) = http_get(&address, "/")?;
        assert!(
            !page.contains("demo-banner"),
            "no demo banner in production"
        );
        Ok(())
    })();
    child.kill()?;
    child.wait()?;
    result?;
    // Demo mode is refused on a database with a real administrator.
    let (mut child, address, said) = spawn_serve(dir.path(), &["--demo"])?;
    let status = child.wait()?;
    assert!(address.is_none() && !status.success(), "{said}");
    assert!(said.contains("real administrator"), "{said}");
    Ok(())
}

#[test]
fn serve_answers_with_the_starter_taxonomy() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (mut child, address, _) = spawn_serve(dir.path(), &["--demo"])?;
    let result = (|| -> TestResult {
        let address = address.ok_or("server did not report its address")?;
        let (status, body) = http_get(&address, "/api/v1/taxonomy/search?q=%E8%AD%B7%E7%90%86")?;
        assert_eq!(status, 200);
        let found: Value = serde_json::from_str(&body)?;
        let first = found["results"][0]["matched_label"].as_str().unwrap_or("");
        assert!(first.contains("護理"), "{body}");
        let (_, body) = http_get(&address, "/api/v1/taxonomy/search?q=nurse&kind=occupation")?;
        let found: Value = serde_json::from_str(&body)?;
        let label = found["results"][0]["concept"]["label"]
            .as_str()
            .unwrap_or("");
        assert!(label.contains("nurse"), "{body}");
        let (status, body) = http_get(&address, "/readyz")?;
        assert_eq!(status, 200);
        let ready: Value = serde_json::from_str(&body)?;
        assert_eq!(ready["demo_accounts"], true, "demo mode says so: {body}");
        let (_, page) = http_get(&address, "/")?;
        assert!(
            page.contains("demo-banner"),
            "every page warns of demo accounts"
        );
        // The first run stored a demo set and demo accounts: a seeker's matches need the
        // seeker; signed in as the demo seeker, they come explained.
        let matches_path = "/api/v1/seekers/demo-seeker-0000000/matches?lang=zh-TW";
        let (status, _) = http_get(&address, matches_path)?;
        assert_eq!(status, 401, "personal data needs a signed-in caller");
        let (status, head, body) = http(
            &address,
            "POST /api/v1/auth/login",
            "Content-Type: application/json\r\n",
            r#"{"email":"seeker@demo.openpes.tw","password":"demo-seeker-pass"}"#,
        )?;
        assert_eq!(status, 200, "{body}");
        let cookie = head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
            .and_then(|(_, value)| value.trim().split(';').next())
            .ok_or("no session cookie")?
            .to_string();
        let (status, _, body) = http(
            &address,
            &format!("GET {matches_path}"),
            &format!("Cookie: {cookie}\r\n"),
            "",
        )?;
        assert_eq!(status, 200, "{body}");
        let matches: Value = serde_json::from_str(&body)?;
        let first = &matches["results"][0];
        assert!(first["score"].as_f64().is_some_and(|s| s > 0.0), "{body}");
        assert!(
            first["summary"]
                .as_str()
                .is_some_and(|s| s.contains("必要技能")),
            "{body}"
        );
        // The first run also filed the demo seeker's benefit claim, decided automatically.
        let (status, _, body) = http(
            &address,
            "GET /api/v1/seekers/demo-seeker-0000000/claims",
            &format!("Cookie: {cookie}\r\n"),
            "",
        )?;
        assert_eq!(status, 200, "{body}");
        let claims: Value = serde_json::from_str(&body)?;
        assert_eq!(claims[0]["status"], "decided", "{body}");
        assert_eq!(claims[0]["decisions"][0]["kind"], "automated", "{body}");
        // The first run stored a demo training catalog: the demo seeker gets a course plan.
        let (status, _, body) = http(
            &address,
            "GET /api/v1/seekers/demo-seeker-0000000/course-plan?lang=en",
            &format!("Cookie: {cookie}\r\n"),
            "",
        )?;
        assert_eq!(status, 200, "{body}");
        let plan: Value = serde_json::from_str(&body)?;
        assert!(
            plan["courses"].as_array().is_some_and(|c| !c.is_empty()),
            "{body}"
        );
        assert!(plan["courses"][0]["explanation"]
            .as_str()
            .is_some_and(|e| e.starts_with("Closes")));
        Ok(())
    })();
    child.kill()?;
    child.wait()?;
    result?;
    // The CLI answers from the same database, as the API does.
    let out = openpes(
        dir.path(),
        &[
            "guidance",
            "reachable",
            "demo-seeker-0000000",
            "--lang",
            "en",
            "--limit",
            "3",
        ],
    )?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reach: Value = serde_json::from_slice(&out.stdout)?;
    let results = reach["results"].as_array().ok_or("results")?;
    assert_eq!(results.len(), 3, "{reach}");
    assert!(results[0]["explanation"]
        .as_str()
        .is_some_and(|e| e.contains("essential skills")));
    let out = openpes(dir.path(), &["guidance", "gap", "demo-seeker-0000000"])?;
    assert!(!out.status.success(), "a gap needs a target");
    assert!(String::from_utf8_lossy(&out.stderr).contains("occupation"));
    Ok(())
}

fn openpes_with_stdin(
    data_dir: &Path,
    args: &[&str],
    input: &[u8],
) -> Result<Output, Box<dyn std::error::Error>> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_openpes"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("OPENPES_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    child.stdin.take().ok_or("stdin")?.write_all(input)?;
    Ok(child.wait_with_output()?)
}

#[test]
fn extract_reads_chinese_and_rejects_bad_input() -> TestResult {
    let dir = tempfile::tempdir()?;
    let args = ["extract", "--taxonomy", "starter", "--kind", "vacancy", "-"];
    let text = "徵求倉儲人員，需會堆高機操作，有急救證照者加分。";
    let out = json_of(&openpes_with_stdin(dir.path(), &args, text.as_bytes())?)?;
    assert_eq!(out["language"], "zh-TW");
    let skills = out["skills"].as_array().ok_or("skills")?;
    let forklift = skills
        .iter()
        .find(|s| s["label"] == "堆高機操作")
        .ok_or("堆高機操作 missing")?;
    assert_eq!(forklift["requirement"], "essential");
    assert_eq!(forklift["spans"][0]["text"], "堆高機操作");

    let bad = openpes_with_stdin(dir.path(), &args, b"caf\xe9 au lait")?;
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not valid UTF-8"));
    let empty = openpes_with_stdin(dir.path(), &args, b"   ")?;
    assert!(String::from_utf8_lossy(&empty.stderr).contains("empty"));

    // A PDF CV is read for its text layer; a damaged one names the file.
    let pdf: &[u8] = include_bytes!("../../extract/tests/fixtures/cv-zh.pdf");
    let cv = openpes_with_stdin(
        dir.path(),
        &[
            "extract",
            "--taxonomy",
            "starter",
            "--kind",
            "cv",
            "--lang",
            "zh-TW",
            "-",
        ],
        pdf,
    )?;
    let out = json_of(&cv)?;
    let labels: Vec<&str> = out["skills"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["label"].as_str())
        .collect();
    assert!(labels.contains(&"堆高機操作"), "{labels:?}");
    let damaged = openpes_with_stdin(dir.path(), &args, &pdf[..pdf.len() / 2])?;
    assert!(!damaged.status.success());
    assert!(
        String::from_utf8_lossy(&damaged.stderr).contains("standard input: the PDF cannot be read")
    );
    Ok(())
}

#[test]
fn eval_commands_print_one_json_object_of_metrics() -> TestResult {
    let Some(data) = shared_data() else {
        return Ok(());
    };
    let dir = tempfile::tempdir()?;
    let taxonomy = format!("esco:{}", data.join("esco/v1.1.1-en").display());
    let gold = data.join("eval/skills/tech_validation_annotations.csv");
    let out = json_of(&openpes(
        dir.path(),
        &[
            "eval",
            "skills",
            "--taxonomy",
            &taxonomy,
            "--gold",
            gold.to_str().ok_or("path")?,
        ],
    )?)?;
    assert_eq!(out["n"], 75);
    for metric in ["rp5", "rp10", "mrr"] {
        let value = out[metric].as_f64().ok_or(metric)?;
        assert!((0.0..=1.0).contains(&value), "{out}");
    }
    // Far above chance: the lexical baseline on this set is RP@5 0.616.
    assert!(out["rp5"].as_f64().unwrap_or(0.0) > 0.5, "{out}");
    Ok(())
}

#[test]
fn titles_are_recognised_better_with_a_linked_classifications_titles() -> TestResult {
    let Some(data) = shared_data() else {
        return Ok(());
    };
    let dir = tempfile::tempdir()?;
    // Every 20th title of the dev set (it is sorted by occupation), kept in the temporary
    // directory only.
    let full = std::fs::read_to_string(data.join("eval/titles/jobbert_titles_dev.csv"))?;
    let mut lines = full.lines();
    let mut sample = String::new();
    sample.push_str(lines.next().ok_or("empty gold file")?);
    sample.push('\n');
    for line in lines.step_by(20) {
        sample.push_str(line);
        sample.push('\n');
    }
    let gold = dir.path().join("titles.csv");
    std::fs::write(&gold, sample)?;
    let gold = gold.to_str().ok_or("path")?;
    let esco = format!("esco:{}", data.join("esco/v1.1.1-en").display());
    let onet = format!("onet:{}", data.join("onet/29.2").display());
    let crosswalk = data.join("crosswalks/crosswalk_esco_onet.csv");
    let crosswalk = crosswalk.to_str().ok_or("path")?;

    let alone = json_of(&openpes(
        dir.path(),
        &["eval", "titles", "--taxonomy", &esco, "--gold", gold],
    )?)?;
    let linked = json_of(&openpes(
        dir.path(),
        &[
            "eval",
            "titles",
            "--taxonomy",
            &esco,
            "--taxonomy",
            &onet,
            "--crosswalk",
            crosswalk,
            "--gold",
            gold,
        ],
    )?)?;
    // The same titles are scored, against ESCO occupations only, in both runs.
    assert_eq!(alone["n"], linked["n"], "{alone} {linked}");
    assert!(alone["n"].as_u64().unwrap_or(0) > 700, "{alone}");
    let mrr = |v: &Value| v["mrr"].as_f64().unwrap_or(0.0);
    assert!(mrr(&alone) > 0.25, "{alone}");
    assert!(mrr(&linked) > mrr(&alone), "{alone} {linked}");

    // A crosswalk needs the classification it links.
    let lonely = openpes(
        dir.path(),
        &[
            "eval",
            "titles",
            "--taxonomy",
            &esco,
            "--crosswalk",
            crosswalk,
            "--gold",
            gold,
        ],
    )?;
    assert!(!lonely.status.success());
    assert!(String::from_utf8_lossy(&lonely.stderr).contains("--crosswalk needs both"));
    Ok(())
}

#[test]
fn demo_generate_writes_reproducible_json_lines() -> TestResult {
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("demo");
    let run = |target: &Path| {
        openpes(
            dir.path(),
            &[
                "demo",
                "generate",
                "--seekers",
                "20",
                "--vacancies",
                "50",
                "--seed",
                "9",
                "--out",
                &target.display().to_string(),
            ],
        )
    };
    let output = run(&out)?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary = json_of(&output)?;
    assert_eq!(summary["vacancies"], 50);
    assert_eq!(summary["employers"], 10);
    let vacancies = std::fs::read_to_string(out.join("vacancies.jsonl"))?;
    assert_eq!(vacancies.lines().count(), 50);
    for line in vacancies.lines() {
        let vacancy: Value = serde_json::from_str(line)?;
        assert!(vacancy["essential_skills"]
            .as_array()
            .is_some_and(|s| !s.is_empty()));
    }
    let again = dir.path().join("again");
    assert!(run(&again)?.status.success());
    assert_eq!(
        std::fs::read_to_string(again.join("seekers.jsonl"))?,
        std::fs::read_to_string(out.join("seekers.jsonl"))?,
        "the same seed gives the same seekers"
    );
    Ok(())
}

#[test]
fn match_explains_a_stored_seekers_vacancies_and_a_vacancys_candidates() -> TestResult {
    let dir = tempfile::tempdir()?;
    let generated = openpes(
        dir.path(),
        &[
            "demo",
            "generate",
            "--seekers",
            "10",
            "--vacancies",
            "60",
            "--seed",
            "4",
        ],
    )?;
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let seeker = openpes(
        dir.path(),
        &[
            "match",
            "seeker",
            "demo-seeker-0000000",
            "--lang",
            "en",
            "--limit",
            "5",
        ],
    )?;
    assert!(
        seeker.status.success(),
        "{}",
        String::from_utf8_lossy(&seeker.stderr)
    );
    let body = json_of(&seeker)?;
    let results = body["results"].as_array().ok_or("no results")?;
    assert!(!results.is_empty() && results.len() <= 5, "{body}");
    for r in results {
        assert!(r["summary"]
            .as_str()
            .is_some_and(|s| s.contains("essential skills")));
        let parts: f64 = r["parts"]
            .as_array()
            .map(|p| p.iter().filter_map(|x| x["points"].as_f64()).sum())
            .unwrap_or(-1.0);
        assert!(
            (parts - r["score"].as_f64().unwrap_or(-2.0)).abs() < 1e-4,
            "{r}"
        );
    }
    let vacancy = openpes(dir.path(), &["match", "vacancy", "demo-vacancy-0000000"])?;
    assert!(
        vacancy.status.success(),
        "{}",
        String::from_utf8_lossy(&vacancy.stderr)
    );
    let body = json_of(&vacancy)?;
    assert!(body["results"].as_array().is_some(), "{body}");
    let missing = openpes(dir.path(), &["match", "seeker", "nobody"])?;
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nobody"));
    Ok(())
}

#[test]
fn rules_test_passes_both_programs_and_names_a_broken_case() -> TestResult {
    let dir = tempfile::tempdir()?;
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    let output = openpes(
        dir.path(),
        &[
            "rules",
            "test",
            "--rules",
            &rules.to_string_lossy(),
            &rules.to_string_lossy(),
        ],
    )?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("tw/unemployment_benefit")
            && stdout.contains("ee/unemployment_insurance_benefit"),
        "{stdout}"
    );
    assert!(stdout.contains(" 0 failed"), "{stdout}");

    // A wrong expectation fails the run and names the file and line of the case.
    let broken = dir.path().join("broken.yaml");
    std::fs::write(
        &broken,
        "program: ee/unemployment_insurance_benefit\ncases:\n  - name: wrong\n    as_of: 2021-03-20\n    facts: { receives_old_age_pension: true }\n    expect: { outcome: eligible }\n",
    )?;
    let output = openpes(dir.path(), &["rules", "test", &broken.to_string_lossy()])?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success());
    assert!(stdout.contains("broken.yaml:3 wrong"), "{stdout}");
    // A malformed file is refused with its line.
    std::fs::write(&broken, "program: ee/unemployment_insurance_benefit\ncases:\n  - name: x\n    as_of: 2021-02-30\n    expect: { outcome: eligible }\n")?;
    let output = openpes(dir.path(), &["rules", "test", &broken.to_string_lossy()])?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("broken.yaml:4"), "{stderr}");

    let facts = dir.path().join("facts.json");
    std::fs::write(
        &facts,
        r#"{"registration_date": "2021-03-01", "receives_old_age_pension": true}"#,
    )?;
    let output = openpes(
        dir.path(),
        &[
            "rules",
            "calc",
            "--program",
            "ee/unemployment_insurance_benefit",
            "--facts",
            &facts.to_string_lossy(),
            "--as-of",
            "2021-03-20",
        ],
    )?;
    let determination = json_of(&output)?;
    assert_eq!(determination["outcome"], "ineligible");
    assert_eq!(determination["reasons"][0]["id"], "not_pensioner");
    Ok(())
}

/// Counts in a database, by SQL (the checks below look at what two nodes stored).
fn count(url: &str, sql: &str) -> Result<i64, Box<dyn std::error::Error>> {
    use sqlx::Connection;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let mut connection = sqlx::AnyConnection::connect(url).await?;
        let n: i64 = sqlx::query_scalar(sql).fetch_one(&mut connection).await?;
        connection.close().await?;
        Ok::<i64, sqlx::Error>(n)
    })?)
}

/// A fresh database for one round: PostgreSQL when the tests have a server, else SQLite.
fn fresh_database(dir: &Path) -> Result<String, Box<dyn std::error::Error>> {
    match std::env::var(openpes_store::testing::TEST_DATABASE_URL_VAR) {
        Ok(base) if !base.is_empty() => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            Ok(runtime.block_on(openpes_store::testing::create_postgres_database(&base))?)
        }
        _ => Ok(openpes_store::Store::sqlite_url_in(dir)),
    }
}

#[test]
fn two_nodes_starting_together_on_an_empty_database_seed_once() -> TestResult {
    for round in 0..10 {
        let dir = tempfile::tempdir()?;
        let url = fresh_database(dir.path())?;
        let mut first = start_serve(dir.path(), &["--demo", "--database-url", &url])?;
        let mut second = start_serve(dir.path(), &["--demo", "--database-url", &url])?;
        let (address_1, said_1) = wait_listening(&mut first)?;
        let (address_2, said_2) = wait_listening(&mut second)?;
        let addresses = [address_1.clone(), address_2.clone()];
        let result = (|| -> TestResult {
            for (address, said) in [(&address_1, &said_1), (&address_2, &said_2)] {
                let address = address
                    .as_deref()
                    .ok_or(format!("round {round}: a node did not start: {said}"))?;
                let (status, body) = http_get(address, "/readyz")?;
                assert_eq!(status, 200, "round {round}: {body}");
            }
            let vacancies = count(&url, "SELECT COUNT(*) FROM vacancies")?;
            assert!(vacancies > 0, "round {round}: demo vacancies stored");
            assert_eq!(
                count(
                    &url,
                    "SELECT COUNT(*) FROM change_log WHERE kind = 'vacancy'"
                )?,
                vacancies,
                "round {round}: each demo vacancy written once"
            );
            assert_eq!(
                count(&url, "SELECT COUNT(*) FROM benefit_claims")?,
                2,
                "round {round}: the two demo claims filed once"
            );
            assert_eq!(
                count(
                    &url,
                    "SELECT COUNT(*) FROM users WHERE email LIKE '%@demo.openpes.tw'"
                )?,
                count(
                    &url,
                    "SELECT COUNT(DISTINCT email) FROM users WHERE email LIKE '%@demo.openpes.tw'"
                )?,
            );
            assert_eq!(
                count(&url, "SELECT COUNT(*) FROM taxonomy_imports")?,
                1,
                "round {round}: the starter taxonomy imported once"
            );
            Ok(())
        })();
        for child in [&mut first, &mut second] {
            let _ = child.kill();
            let _ = child.wait();
        }
        result.map_err(|e| format!("{e} (nodes at {addresses:?})"))?;
    }
    Ok(())
}
