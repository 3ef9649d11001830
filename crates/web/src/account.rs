//! Signing in and out, registering (with the confirmation link) and resetting a password:
//! the forms that work without a session, so the server refuses them from another site.

use super::*;

/// The sign-in form.
#[derive(Deserialize)]
pub(super) struct LoginForm {
    email: String,
    password: String,
}

/// The form that sets a new password with a reset link's token.
#[derive(Deserialize)]
pub(super) struct ResetConfirmForm {
    token: String,
    password: String,
}

pub(super) async fn login_page(page: Page) -> Response {
    page.ok("login.html", context! { email => "" })
}

pub(super) async fn login_submit(
    State(state): State<AppState>,
    page: Page,
    client: openpes_http::rate_limit::ClientAddress,
    Form(form): Form<LoginForm>,
) -> Response {
    let source = openpes_app::lockout::Source::of(client.0);
    let session = openpes_app::people::login(
        &state,
        &page.caller.request_id,
        source,
        &form.email,
        &form.password,
    )
    .await
    .map_err(PageError::from);
    match session {
        Ok(session) => {
            let cookie = auth::session_cookie(&state, &session.cookie_value);
            (
                [(header::SET_COOKIE, cookie)],
                Redirect::to(&home_of(&session.user)),
            )
                .into_response()
        }
        Err(error) => page.render(
            "login.html",
            error.status,
            context! { error => error.message.render(page.lang), email => form.email },
        ),
    }
}

pub(super) async fn register_page(page: Page) -> Response {
    page.ok(
        "register.html",
        context! { form => RegisterFields::default() },
    )
}

#[derive(Deserialize)]
pub(super) struct RegisterForm {
    role: Role,
    display_name: String,
    email: String,
    password: String,
    #[serde(default)]
    organisation: Option<String>,
    #[serde(default)]
    registration_number: Option<String>,
}

/// What the registration form shows again after a refusal (everything but the password).
#[derive(Serialize)]
pub(super) struct RegisterFields {
    role: &'static str,
    display_name: String,
    email: String,
    organisation: String,
    registration_number: String,
}

impl Default for RegisterFields {
    fn default() -> Self {
        RegisterFields {
            role: Role::Seeker.as_str(),
            display_name: String::new(),
            email: String::new(),
            organisation: String::new(),
            registration_number: String::new(),
        }
    }
}

/// Registers (see [`p::register`]): the page that follows says a message was sent, the same
/// whether or not the address has an account. A demo server, which sends no mail, shows a free
/// address's confirmation link there too.
pub(super) async fn register_submit(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<RegisterForm>,
) -> Response {
    let fields = RegisterFields {
        role: form.role.as_str(),
        display_name: form.display_name.clone(),
        email: form.email.clone(),
        organisation: form.organisation.clone().unwrap_or_default(),
        registration_number: form.registration_number.clone().unwrap_or_default(),
    };
    let registration = Registration {
        email: form.email,
        password: form.password,
        display_name: form.display_name,
        role: form.role,
        organisation: form.organisation.filter(|o| !o.trim().is_empty()),
        registration_number: form
            .registration_number
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty()),
        language: Some(page.lang.tag().to_string()),
    };
    match registration::register(&state, registration)
        .await
        .map_err(PageError::from)
    {
        Ok(token) => {
            let demo_link = token
                .filter(|_| state.demo_accounts())
                .map(|token| format!("/register/confirm?token={token}&lang={}", page.lang.tag()));
            page.ok(
                "register.html",
                context! { sent => true, demo_link => demo_link },
            )
        }
        Err(error) => {
            let detail = form_error(&error, page.lang);
            page.render(
                "register.html",
                error.status,
                context! { error => detail, form => fields },
            )
        }
    }
}

/// A registration as its confirmation page shows it.
#[derive(Serialize)]
pub(super) struct PendingView {
    email: String,
    display_name: String,
    role_name: &'static str,
    organisation: Option<String>,
}

/// The confirmation page: what the link would create, the password field and the button that
/// creates it, with `error` above them (a wrong password), or only the error when the link does
/// not work.
pub(super) async fn render_confirmation(
    state: &AppState,
    page: &Page,
    token: &str,
    error: Option<PageError>,
) -> Response {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let detail = error.map(|e| e.message.render(page.lang));
    match registration::pending_registration(state, token)
        .await
        .map_err(PageError::from)
    {
        Ok(pending) => {
            let role = Role::parse(&pending.role).unwrap_or(Role::Seeker);
            let view = PendingView {
                email: pending.email,
                display_name: pending.display_name,
                role_name: role_name(page.lang, role),
                organisation: pending.organisation,
            };
            page.render(
                "register.html",
                status,
                context! { confirm => true, token => token, pending => view, error => detail },
            )
        }
        Err(gone) => page.render(
            "register.html",
            if detail.is_some() {
                status
            } else {
                gone.status
            },
            context! {
                confirm => true,
                error => detail.unwrap_or_else(|| gone.message.render(page.lang)),
            },
        ),
    }
}

/// The confirmation link's page: what the link would create, and the password chosen when
/// registering with a button that creates it (a GET creates nothing, so a mail scanner that
/// opens the link uses nothing up). The link carries the registration form's language.
pub(super) async fn register_confirm_page(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<TokenQuery>,
) -> Response {
    let token = query.token.unwrap_or_default();
    render_confirmation(&state, &page, &token, None).await
}

#[derive(Deserialize)]
pub(super) struct ConfirmForm {
    token: String,
    password: String,
}

/// Confirms a registration with the password chosen when registering (see
/// [`p::confirm_registration`]); a wrong one shows the page again with the error.
pub(super) async fn register_confirm_submit(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<ConfirmForm>,
) -> Response {
    match registration::confirm_registration(&state, &form.token, &form.password)
        .await
        .map_err(PageError::from)
    {
        Ok(session) => {
            let cookie = auth::session_cookie(&state, &session.cookie_value);
            (
                [(header::SET_COOKIE, cookie)],
                Redirect::to(&home_of(&session.user)),
            )
                .into_response()
        }
        Err(error) => render_confirmation(&state, &page, &form.token, Some(error)).await,
    }
}

pub(super) async fn logout_submit(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
) -> Response {
    let session = auth::session_cookie_value(&headers);
    if let Err(e) = openpes_app::people::logout(&state, session.as_deref()).await {
        return page.fail(e.into());
    }
    (
        [(header::SET_COOKIE, auth::cleared_session_cookie())],
        Redirect::to("/"),
    )
        .into_response()
}

pub(super) async fn reset_page(page: Page) -> Response {
    page.ok("reset.html", context! { token => Value::from(()) })
}

#[derive(Deserialize)]
pub(super) struct EmailForm {
    email: String,
}

pub(super) async fn reset_submit(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<EmailForm>,
) -> Response {
    finish(
        &page,
        async {
            registration::request_reset(&state, &form.email).await?;
            Ok(see_other("/reset?done=sent"))
        }
        .await,
    )
}

#[derive(Deserialize)]
pub(super) struct TokenQuery {
    token: Option<String>,
}

pub(super) async fn reset_confirm_page(page: Page, Query(query): Query<TokenQuery>) -> Response {
    page.ok(
        "reset.html",
        context! { token => query.token.unwrap_or_default() },
    )
}

pub(super) async fn reset_confirm_submit(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<ResetConfirmForm>,
) -> Response {
    match registration::confirm_reset(&state, &form.token, &form.password)
        .await
        .map_err(PageError::from)
    {
        Ok(()) => see_other("/login?done=reset"),
        Err(error) => page.render(
            "reset.html",
            error.status,
            context! { token => form.token, error => error.message.render(page.lang) },
        ),
    }
}
