//! Administration pages: accounts (create, disable), verifying employer organisations, the
//! audit log.

use super::*;

pub(super) async fn admin_context(state: &AppState, page: &Page) -> Result<Value, PageError> {
    use openpes_app::administration;
    access::authorize_system(&page.caller, Action::Administer)?;
    let users: Vec<Value> = administration::accounts(state, &page.caller, None)
        .await?
        .into_iter()
        .map(|u| context! { email => u.email, display_name => u.display_name, role => u.role, id => u.id, disabled => u.disabled })
        .collect();
    let offices: Vec<Value> = administration::offices(state, &page.caller)
        .await?
        .into_iter()
        .map(|o| {
            let name = match page.lang {
                UiLang::ZhTw => o.name_zh,
                UiLang::En => o.name_en,
            };
            context! { id => o.id, name }
        })
        .collect();
    let versions: Vec<Value> = administration::taxonomy_sources(state, &page.caller)
        .await?
        .into_iter()
        .map(
            |s| context! { source => s.source, version => s.version, imported_at => s.imported_at },
        )
        .collect();
    // Reading the outbox is audited (its messages carry links with secrets).
    let outbox: Vec<Value> = administration::outbox(state, &page.caller, 20)
        .await?
        .into_iter()
        .map(|m| context! { created_at => m.created_at, recipient => m.recipient, subject => m.subject, body => m.body })
        .collect();
    let employers = openpes_app::offers::employer_reviews(state, &page.caller).await?;
    let roles: Vec<Value> = Role::ALL
        .iter()
        .map(|r| context! { value => r.as_str(), label => role_name(page.lang, *r) })
        .collect();
    Ok(context! {
        users, offices, versions, outbox, roles,
        employers => Value::from_serialize(&employers),
        concepts => state.taxonomy().concepts().len(),
    })
}

pub(super) async fn admin_page(State(state): State<AppState>, page: Page) -> Response {
    let result = async {
        let extra = admin_context(&state, &page).await?;
        Ok(page.ok("admin.html", extra))
    }
    .await;
    finish(&page, result)
}

#[derive(Deserialize)]
pub(super) struct AdminUserForm {
    display_name: String,
    email: String,
    password: String,
    role: Role,
    #[serde(default)]
    office_id: String,
}

#[derive(Deserialize)]
pub(super) struct DisableForm {
    disabled: bool,
}

/// Disables (ending its sessions) or enables an account through the API's handler.
pub(super) async fn admin_disable_user(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<DisableForm>,
) -> Response {
    let result = async {
        openpes_app::people::set_user_disabled(&state, &page.caller, &id, form.disabled).await?;
        Ok(see_other("/admin?done=saved#users-h"))
    }
    .await;
    finish(&page, result)
}

#[derive(Deserialize)]
pub(super) struct VerifiedForm {
    verified: bool,
}

/// Approves an employer organisation (or withdraws the approval) through the API's operation.
pub(super) async fn admin_verify_employer(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<VerifiedForm>,
) -> Response {
    let result = async {
        openpes_app::offers::set_verified(&state, &page.caller, &id, form.verified).await?;
        Ok(see_other("/admin?done=saved#employers-h"))
    }
    .await;
    finish(&page, result)
}

pub(super) async fn admin_create_user(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<AdminUserForm>,
) -> Response {
    let result = async {
        access::authorize_system(&page.caller, Action::Administer)?;
        let account = NewAccount {
            email: form.email,
            password: form.password,
            display_name: form.display_name,
            role: form.role,
            seeker_id: (form.role == Role::Seeker)
                .then(|| format!("s-{}", &uuid::Uuid::new_v4().simple().to_string()[..12])),
            employer_id: None,
            office_id: Some(form.office_id).filter(|o| !o.is_empty()),
            language: Some(page.lang.tag().to_string()),
        };
        match openpes_app::people::create_account(&state, &page.caller, account)
            .await
            .map_err(PageError::from)
        {
            Ok(_) => Ok(see_other("/admin?done=saved")),
            Err(error) => {
                let detail = form_error(&error, page.lang);
                let extra = admin_context(&state, &page).await?;
                Ok(page.render(
                    "admin.html",
                    error.status,
                    context! { error => detail, ..extra },
                ))
            }
        }
    }
    .await;
    finish(&page, result)
}

pub(super) async fn admin_audit(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<openpes_app::audit::AuditSearch>,
) -> Response {
    let result = async {
        let audit = openpes_app::audit::search_audit(&state, &page.caller, &query).await?;
        // The next (older) page keeps the search.
        let older = audit.next.map(|next| {
            context! {
                before => next,
                seeker => query.seeker,
                actor => query.actor,
                action => query.action,
                since => query.since,
                limit => query.limit,
            }
        });
        Ok(page.ok(
            "audit.html",
            context! {
                heading => i18n::word(page.lang, "audit"),
                entries => audit.entries,
                older,
                older_path => "/admin/audit",
                search => true,
                query => context! { seeker => query.seeker, actor => query.actor, action => query.action },
            },
        ))
    }
    .await;
    finish(&page, result)
}
