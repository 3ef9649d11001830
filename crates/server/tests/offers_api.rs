//! Job offers, contacts and employer verification through the HTTP API and the web pages, on
//! SQLite (always) and PostgreSQL (when configured): an employer's contact is never a job offer
//! (the claimant stays eligible); a caseworker's referral is one; an employer's offer counts
//! only once the seeker or their caseworker confirmed it, and the claim shows the vacancy, the
//! date and who recorded and confirmed it; contacts reach only consenting candidates or
//! applicants, once per vacancy, within a daily limit; self-registered employers see and
//! contact nobody until staff approve them; consent and applications are the seeker's alone.

mod common;

use openpes_test_support::on_each_backend;

use common::{admin, register_and_confirm, start, urls, Server, Session, TestResult};
use openpes_app::offers::CONTACTS_PER_EMPLOYER_PER_DAY;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const FORKLIFT_DRIVER: &str = "urn:openpes:starter:occupation/forklift-driver";
const FORKLIFT: &str = "urn:openpes:starter:skill/forklift-operation";
const PASSWORD: &str = "correct horse battery";

fn vacancy(id: &str, employer: &str) -> Value {
    json!({
        "id": id, "employer": employer, "title": format!("Forklift driver {id}"),
        "occupation": FORKLIFT_DRIVER, "essential_skills": [FORKLIFT],
        "place": "TW-TAO", "contract": "permanent", "working_time": "full_time",
        "posted": chrono::Utc::now().date_naive().to_string()
    })
}

fn seeker(id: &str, searchable: bool) -> Value {
    json!({
        "id": id, "skills": [{"concept": FORKLIFT}],
        "experience": [{"occupation": FORKLIFT_DRIVER, "years": 3}],
        "place": "TW-TAO", "searchable": searchable
    })
}

/// A service with an office, a caseworker, and a staff-created (so verified) employer `e-1`
/// with its vacancy `v-1`.
struct Fixture {
    server: Server,
    api: String,
    admin: Session,
    caseworker: Session,
    caseworker_id: String,
    boss: Session,
}

async fn fixture(server: common::Server) -> Result<Fixture, common::Error> {
    let api = format!("{}/api/v1", server.base);
    let admin = admin(&server).await?;
    let ok = |status: StatusCode, body: &Value| -> TestResult {
        assert!(status.is_success(), "{status} {body}");
        Ok(())
    };
    let (status, body) = admin
        .send(
            Method::PUT,
            &format!("{api}/admin/offices/o-1"),
            Some(json!({"id": "o-1", "name_zh": "桃園就業服務站", "name_en": "Taoyuan office"})),
        )
        .await?;
    ok(status, &body)?;
    let (status, body) = admin
        .send(
            Method::POST,
            &format!("{api}/admin/users"),
            Some(
                json!({"email": "cw@test.example", "password": PASSWORD, "display_name": "王美玲",
                "role": "caseworker", "office_id": "o-1"}),
            ),
        )
        .await?;
    ok(status, &body)?;
    let caseworker_id = body["id"].as_str().ok_or("caseworker id")?.to_string();
    let (status, body) = admin
        .send(
            Method::PUT,
            &format!("{api}/employers/e-1"),
            Some(json!({"id": "e-1", "name": "桃園物流"})),
        )
        .await?;
    ok(status, &body)?;
    let (status, body) = admin
        .send(
            Method::POST,
            &format!("{api}/admin/users"),
            Some(
                json!({"email": "boss@test.example", "password": PASSWORD, "display_name": "林志明",
                "role": "employer", "employer_id": "e-1"}),
            ),
        )
        .await?;
    ok(status, &body)?;
    let caseworker = Session::login(&server.base, "cw@test.example", PASSWORD).await?;
    let boss = Session::login(&server.base, "boss@test.example", PASSWORD).await?;
    let (status, body) = boss
        .send(
            Method::PUT,
            &format!("{api}/vacancies/v-1"),
            Some(vacancy("v-1", "e-1")),
        )
        .await?;
    ok(status, &body)?;
    Ok(Fixture {
        server,
        api,
        admin,
        caseworker,
        caseworker_id,
        boss,
    })
}

impl Fixture {
    /// A seeker account whose own record (set in their own session) has forklift skills and
    /// the given consent to be found.
    async fn seeker(&self, id: &str, searchable: bool) -> Result<Session, common::Error> {
        let email = format!("{id}@test.example");
        let (status, body) = self
            .admin
            .send(
                Method::POST,
                &format!("{}/admin/users", self.api),
                Some(
                    json!({"email": email, "password": PASSWORD, "display_name": id,
                    "role": "seeker", "seeker_id": id}),
                ),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let session = Session::login(&self.server.base, &email, PASSWORD).await?;
        let (status, body) = session
            .send(
                Method::PUT,
                &format!("{}/seekers/{id}", self.api),
                Some(seeker(id, searchable)),
            )
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        Ok(session)
    }

    async fn assign(&self, seeker: &str) -> TestResult {
        let (status, body) = self
            .admin
            .send(
                Method::PUT,
                &format!("{}/admin/caseload/{seeker}", self.api),
                Some(json!({"caseworker": self.caseworker_id})),
            )
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        Ok(())
    }

    /// Insurance records that make `seeker` eligible, and their claim filed today (waiting for
    /// the 14 days after registration).
    async fn claim(&self, seeker: &str, prefix: &str) -> Result<String, common::Error> {
        let today = chrono::Utc::now().date_naive();
        let separation = today - chrono::Duration::days(3);
        let mut csv = String::from("person_id,jurisdiction,kind,start_date,end_date,month,amount,contract,separation_reason,record_id\n");
        csv.push_str(&format!(
            "{seeker},tw,coverage,{},{separation},,,open,business_closure,{prefix}-1\n",
            separation - chrono::Duration::days(800)
        ));
        let last = openpes_rules::YearMonth::of(separation);
        for back in 0..6 {
            csv.push_str(&format!(
                "{seeker},tw,salary,,,{},30000,,,{prefix}-S{back}\n",
                last.plus(-back)
            ));
        }
        let response = self
            .admin
            .client
            .post(format!("{}/benefits/insurance-records", self.api))
            .bearer_auth(self.admin.bearer.as_deref().unwrap_or(""))
            .body(csv)
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::OK);
        let declared = json!({"birth_date": "1990-01-01", "nationality": "roc_national", "old_age_benefit_received": false,
            "able_and_willing_to_work": true, "dependants": 0, "disability_certificate": false, "previous_full_period_ended_on": null});
        let (status, claim) = self
            .admin
            .send(
                Method::POST,
                &format!("{}/benefits/claims", self.api),
                Some(json!({"program": "tw/unemployment_benefit", "seeker_id": seeker, "declared": declared})),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{claim}");
        assert_eq!(claim["status"], "waiting", "{claim}");
        Ok(claim["id"].as_str().ok_or("claim id")?.to_string())
    }

    /// The last decision of a claim.
    async fn last_decision(&self, claim: &str) -> Result<(Value, Value), common::Error> {
        let (status, claim) = self
            .admin
            .send(
                Method::GET,
                &format!("{}/benefits/claims/{claim}", self.api),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::OK, "{claim}");
        let last = claim["decisions"]
            .as_array()
            .and_then(|d| d.last())
            .cloned()
            .ok_or("no decision")?;
        Ok((claim, last))
    }
}

fn offer_record(decision: &Value) -> String {
    decision["facts"]["offered_job_or_training"]["source"]["record"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

on_each_backend! {
    async fn only_offers_recorded_by_the_service_count_for_benefits(server: TestApp) -> TestResult {
        let f = fixture(server).await?;
        let api = &f.api;
        let _contacted = f.seeker("s-contact", true).await?;
        let _referred = f.seeker("s-referred", true).await?;
        let _proposed = f.seeker("s-proposed", true).await?;
        let confirming = f.seeker("s-confirmed", true).await?;
        f.assign("s-referred").await?;
        f.assign("s-proposed").await?;
        let contact_claim = f.claim("s-contact", "C").await?;
        let referred_claim = f.claim("s-referred", "R").await?;
        let proposed_claim = f.claim("s-proposed", "P").await?;
        let confirmed_claim = f.claim("s-confirmed", "F").await?;

        // The employer's contact button: a message, stored as a contact, never as an offer.
        let (status, page) = f
            .boss
            .post_form(
                &format!("{}/vacancies/v-1/contact", f.server.base),
                &[("seeker", "s-contact")],
            )
            .await?;
        assert_eq!(status, StatusCode::OK, "{page}");
        let store = f.server.state.store();
        assert!(store.contacted("v-1", "s-contact").await?);
        assert!(store.referrals_of_seeker("s-contact").await?.is_empty());

        // A caseworker's referral of a seeker of their caseload is an offer at once; an
        // employer cannot record one.
        let referral = json!({"kind": "job", "reference": "v-1"});
        let (status, body) = f
            .boss
            .send(
                Method::POST,
                &format!("{api}/seekers/s-referred/referrals"),
                Some(referral.clone()),
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, body) = f
            .caseworker
            .send(
                Method::POST,
                &format!("{api}/seekers/s-referred/referrals"),
                Some(referral.clone()),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["status"], "confirmed");
        assert_eq!(body["recorded_role"], "caseworker");
        let (status, _) = f
            .caseworker
            .send(
                Method::POST,
                &format!("{api}/seekers/s-confirmed/referrals"),
                Some(referral),
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "not in the caseload");

        // An employer's offer is a proposal until the seeker or a caseworker settles it.
        let mut offers = Vec::new();
        for seeker in ["s-proposed", "s-confirmed"] {
            let (status, body) = f
                .boss
                .send(
                    Method::POST,
                    &format!("{api}/vacancies/v-1/offers"),
                    Some(json!({"seeker": seeker})),
                )
                .await?;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            assert_eq!(body["status"], "proposed");
            offers.push(body["id"].as_i64().ok_or("offer id")?);
        }
        assert!(store
            .confirmed_referrals("s-confirmed", "2000-01-01", "2999-12-31")
            .await?
            .is_empty());
        let (_, outbox) = f
            .admin
            .send(Method::GET, &format!("{api}/admin/outbox"), None)
            .await?;
        assert!(
            outbox.to_string().contains("桃園物流 提供的工作機會"),
            "the seeker is told to confirm or decline: {outbox}"
        );
        let (status, _) = f
            .boss
            .send(
                Method::PUT,
                &format!("{api}/referrals/{}/status", offers[1]),
                Some(json!({"status": "confirmed"})),
            )
            .await?;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "the employer confirms nothing"
        );
        let (status, body) = f
            .caseworker
            .send(
                Method::PUT,
                &format!("{api}/referrals/{}/status", offers[0]),
                Some(json!({"status": "declined"})),
            )
            .await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "declined");
        let (status, body) = f
            .caseworker
            .send(
                Method::PUT,
                &format!("{api}/referrals/{}/status", offers[0]),
                Some(json!({"status": "confirmed"})),
            )
            .await?;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["code"], "referral_settled");
        let (status, body) = confirming
            .send(
                Method::PUT,
                &format!("{api}/referrals/{}/status", offers[1]),
                Some(json!({"status": "confirmed"})),
            )
            .await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["confirmed_role"], "seeker");

        // Fourteen days on: only the referral and the confirmed offer made claimants ineligible.
        let today = chrono::Utc::now().date_naive();
        let moved = openpes_server::benefits::redetermine_waiting(
            &f.server.state,
            today + chrono::Duration::days(14),
        )
        .await
        .map_err(|e| e.message.render(openpes_server::i18n::UiLang::En))?;
        assert_eq!(moved, 4);
        for claim in [&contact_claim, &proposed_claim] {
            let (claim, last) = f.last_decision(claim).await?;
            assert_eq!(claim["status"], "decided", "{claim}");
            assert_eq!(last["outcome"], "eligible", "{last}");
            assert!(offer_record(&last).starts_with("none "), "{last}");
        }
        let (claim, last) = f.last_decision(&referred_claim).await?;
        assert_eq!(claim["status"], "review", "{claim}");
        assert_eq!(last["outcome"], "ineligible");
        let record = offer_record(&last);
        assert!(
            record.starts_with(&format!("job:v-1 on {today} "))
                && record.contains(&format!("recorded by {} caseworker", f.caseworker_id)),
            "{record}"
        );
        let (claim, last) = f.last_decision(&confirmed_claim).await?;
        assert_eq!(claim["status"], "review", "{claim}");
        assert_eq!(last["outcome"], "ineligible");
        let record = offer_record(&last);
        assert!(
            record.contains(" employer, confirmed by ") && record.ends_with(" seeker)"),
            "{record}"
        );

        // The claim's review page lists the offers with who recorded and confirmed them.
        let page = f
            .caseworker
            .client
            .get(format!(
                "{}/benefits/claims/{referred_claim}?lang=en",
                f.server.base
            ))
            .send()
            .await?
            .text()
            .await?;
        assert!(
            page.contains("id=\"offers\"") && page.contains("王美玲 (caseworker)"),
            "{page}"
        );
        Ok(())
    }
}

#[tokio::test]
async fn contacts_reach_consenting_candidates_once_within_a_daily_limit() -> TestResult {
    let (urls, _dir) = urls().await?;
    for url in urls {
        let f = fixture(start(&url).await?).await?;
        let api = &f.api;
        let _candidate = f.seeker("s-cand", true).await?;
        let _hidden = f.seeker("s-hidden", true).await?;
        let _later = f.seeker("s-later", true).await?;
        let applicant = f.seeker("s-applicant", false).await?;
        // Hidden withdraws their consent in their own session.
        let hidden = Session::login(&f.server.base, "s-hidden@test.example", PASSWORD).await?;
        let (status, _) = hidden
            .send(
                Method::PUT,
                &format!("{api}/seekers/s-hidden/consent"),
                Some(json!({"findable": false, "outreach": false})),
            )
            .await?;
        assert_eq!(status, StatusCode::OK);
        let contacts = format!("{api}/vacancies/v-1/contacts");
        let contact = |seeker: &str| {
            f.boss
                .send(Method::POST, &contacts, Some(json!({"seeker": seeker})))
        };
        let (status, body) = contact("s-hidden").await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["code"], "not_a_candidate");
        let (status, body) = contact("s-applicant").await?;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "not findable, not applied: {body}"
        );
        let (status, body) = applicant
            .send(
                Method::POST,
                &format!("{api}/seekers/s-applicant/applications"),
                Some(json!({"vacancy": "v-1", "note": "我有堆高機證照"})),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, body) = contact("s-applicant").await?;
        assert_eq!(
            status,
            StatusCode::CREATED,
            "an applicant may be contacted: {body}"
        );
        // The candidate named in the path: the same workflow and rules.
        let boss = &f.boss;
        let by_path = |seeker: &str| {
            let url = format!("{api}/vacancies/v-1/candidates/{seeker}/contact");
            async move { boss.send(Method::POST, &url, None).await }
        };
        let (status, body) = by_path("s-hidden").await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["code"], "not_a_candidate");
        let (status, body) = by_path("s-cand").await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["seeker"], "s-cand");
        assert_eq!(body["vacancy"], "v-1");
        let (status, body) = contact("s-cand").await?;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (status, body) = by_path("s-cand").await?;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["code"], "already_contacted");

        // The employer has used up the day's contacts.
        let now = chrono::Utc::now();
        let store = f.server.state.store();
        for i in 2..CONTACTS_PER_EMPLOYER_PER_DAY {
            store
                .add_contact("e-1", &format!("v-x{i}"), &format!("s-x{i}"), "u-x", now)
                .await?;
        }
        let response = f
            .boss
            .client
            .post(format!("{api}/vacancies/v-1/contacts"))
            .header("x-csrf-token", f.boss.csrf.clone().unwrap_or_default())
            .header("accept-language", "zh-TW")
            .json(&json!({"seeker": "s-later"}))
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        let problem: Value = response.json().await?;
        assert_eq!(problem["code"], "contact_limit");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or("")
                .contains(&format!("每天最多聯繫 {CONTACTS_PER_EMPLOYER_PER_DAY} 位")),
            "{problem}"
        );
        // Every contact is audited.
        let (_, audit) = f
            .admin
            .send(Method::GET, &format!("{api}/audit?seeker=s-cand"), None)
            .await?;
        assert!(
            audit.to_string().contains("contact about vacancy v-1"),
            "{audit}"
        );
    }
    Ok(())
}

on_each_backend! {
    async fn unverified_employers_see_and_contact_nobody_until_staff_approve(server: TestApp) -> TestResult {
        let f = fixture(server).await?;
        let api = &f.api;
        let base = &f.server.base;
        let _candidate = f.seeker("s-cand", true).await?;
        // Anyone may register an employer named after the agency; it waits for approval.
        let (impostor, body) = register_and_confirm(
            &f.server,
            json!({"email": "wda@test.example", "password": PASSWORD,
                "display_name": "WDA", "role": "employer",
                "organisation": "勞動部勞動力發展署", "registration_number": "04595257"}),
        )
        .await?;
        let employer = body["user"]["employer_id"]
            .as_str()
            .ok_or("employer id")?
            .to_string();
        let (status, body) = impostor
            .send(
                Method::PUT,
                &format!("{api}/vacancies/v-9"),
                Some(vacancy("v-9", &employer)),
            )
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

        let candidates = || {
            impostor
                .client
                .get(format!("{api}/vacancies/v-9/candidates"))
                .header("accept-language", "zh-TW")
                .send()
        };
        let response = candidates().await?;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let problem: Value = response.json().await?;
        assert_eq!(problem["code"], "employer_unverified");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or("")
                .contains("尚待就業服務機構審核"),
            "{problem}"
        );
        let contact = json!({"seeker": "s-cand"});
        let (status, body) = impostor
            .send(
                Method::POST,
                &format!("{api}/vacancies/v-9/contacts"),
                Some(contact.clone()),
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["code"], "employer_unverified");
        let (status, _) = impostor
            .send(
                Method::POST,
                &format!("{api}/vacancies/v-9/offers"),
                Some(contact.clone()),
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let page = impostor
            .client
            .get(format!("{base}/vacancies/v-9?lang=en"))
            .send()
            .await?
            .text()
            .await?;
        assert!(
            page.contains("id=\"candidates-unverified\"") && page.contains("awaits verification"),
            "{page}"
        );
        // No employer approves itself.
        let (status, _) = impostor
            .send(
                Method::PUT,
                &format!("{api}/admin/employers/{employer}/verified"),
                Some(json!({"verified": true})),
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Staff see the registration number's checksum as evidence, then approve on the
        // administrator's page.
        let (status, employers) = f
            .admin
            .send(Method::GET, &format!("{api}/admin/employers"), None)
            .await?;
        assert_eq!(status, StatusCode::OK);
        let entry = employers
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| e["id"] == employer.as_str())
            .ok_or("employer listed")?;
        assert_eq!(entry["verified"], false);
        assert_eq!(entry["registration_checksum_ok"], true);
        let (status, body) = f
            .admin
            .send(
                Method::POST,
                &format!("{api}/admin/users"),
                Some(json!({"email": "root2@test.example", "password": PASSWORD,
                    "display_name": "Admin", "role": "admin"})),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let staff = Session::login(base, "root2@test.example", PASSWORD).await?;
        let admin_page = staff
            .client
            .get(format!("{base}/admin"))
            .send()
            .await?
            .text()
            .await?;
        assert!(
            admin_page.contains(&format!("id=\"approve-{employer}\"")),
            "{admin_page}"
        );
        let (status, _) = staff
            .post_form(
                &format!("{base}/admin/employers/{employer}/verified"),
                &[("verified", "true")],
            )
            .await?;
        assert_eq!(status, StatusCode::OK);

        let response = candidates().await?;
        assert_eq!(response.status(), StatusCode::OK);
        let list: Value = response.json().await?;
        assert!(list.to_string().contains("s-cand"), "{list}");
        let (status, body) = impostor
            .send(
                Method::POST,
                &format!("{api}/vacancies/v-9/contacts"),
                Some(contact),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        Ok(())
    }
}

on_each_backend! {
    async fn consent_and_applications_are_the_seekers_own(server: TestApp) -> TestResult {
        let f = fixture(server).await?;
        let api = &f.api;
        let own = f.seeker("s-1", false).await?;
        f.assign("s-1").await?;
        let store = f.server.state.store();

        // Neither an administrator nor a caseworker rewrites the consent with the record.
        let mut rewritten = seeker("s-1", true);
        rewritten["outreach"] = json!(true);
        for (who, session) in [("admin", &f.admin), ("caseworker", &f.caseworker)] {
            let (status, body) = session
                .send(
                    Method::PUT,
                    &format!("{api}/seekers/s-1"),
                    Some(rewritten.clone()),
                )
                .await?;
            assert_eq!(status, StatusCode::NO_CONTENT, "{who}: {body}");
            let stored = store.seeker("s-1").await?.ok_or("stored")?;
            assert!(
                !stored.searchable && !stored.outreach,
                "{who} changed the consent"
            );
        }
        let (status, candidates) = f
            .boss
            .send(
                Method::GET,
                &format!("{api}/vacancies/v-1/candidates"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::OK);
        assert!(!candidates.to_string().contains("s-1"), "{candidates}");

        // Nobody but the seeker applies in their name.
        let application = json!({"vacancy": "v-1", "note": "申請"});
        for (who, session) in [("admin", &f.admin), ("caseworker", &f.caseworker)] {
            let (status, body) = session
                .send(
                    Method::POST,
                    &format!("{api}/seekers/s-1/applications"),
                    Some(application.clone()),
                )
                .await?;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {body}");
        }
        let (status, body) = own
            .send(
                Method::POST,
                &format!("{api}/seekers/s-1/applications"),
                Some(application),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        Ok(())
    }
}
