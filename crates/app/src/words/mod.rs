//! The wording layer: every user-facing sentence in every supported language (zh-TW and
//! en), so that no user-facing string is written in a handler or a use case. The caller picks
//! the language ([`UiLang::asked`]: an explicit tag, else `Accept-Language`, else English).
//!
//! - [`Message`]: what went wrong or what happened (errors, notices), with parameters.
//! - [`Text`]: one fixed phrase in both languages.
//! - [`matching`]: the words of a match explanation (score parts, the one-line summary);
//!   [`guidance`]: the words of guidance's explanations; [`mail`]: messages sent to people.
//! - [`thousands`], [`percent`], [`list`]: numbers and lists as each language writes them.

pub mod applications;
pub mod guidance;
pub mod mail;
pub mod matching;

/// A count with thousands separators: `12,345`.
pub fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share as a percentage: one decimal below 1 %, none above (`0.4 %`, `63 %`).
pub fn percent(share: f32) -> String {
    let p = share * 100.0;
    if p > 0.0 && p < 1.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.0} %")
    }
}

/// Names as a list: `a, b` in English, `「a」、「b」` in Chinese.
pub fn list(names: &[String], lang: UiLang) -> String {
    match lang {
        UiLang::En => names.join(", "),
        UiLang::ZhTw => names
            .iter()
            .map(|n| format!("「{n}」"))
            .collect::<Vec<_>>()
            .join("、"),
    }
}

/// One fixed phrase in both languages: a value cannot lack either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub zh_tw: &'static str,
    pub en: &'static str,
}

impl Text {
    /// The phrase in `lang`.
    pub fn get(self, lang: UiLang) -> &'static str {
        match lang {
            UiLang::ZhTw => self.zh_tw,
            UiLang::En => self.en,
        }
    }
}

/// The languages the API speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UiLang {
    En,
    ZhTw,
}

impl UiLang {
    /// Picks a language from a tag like `zh-TW`, `zh-Hant`, `zh`, `en-GB`.
    pub fn from_tag(tag: &str) -> Option<UiLang> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("zh") {
            Some(UiLang::ZhTw)
        } else if tag.starts_with("en") {
            Some(UiLang::En)
        } else {
            None
        }
    }

    /// The BCP 47 tag taxonomy labels are looked up with (`en`, `zh-TW`).
    pub fn tag(self) -> &'static str {
        match self {
            UiLang::En => "en",
            UiLang::ZhTw => "zh-TW",
        }
    }

    /// The language asked for: an explicit tag (a `lang` parameter), else the first
    /// supported language of an `Accept-Language` value, else English.
    pub fn asked(param: Option<&str>, accept_language: Option<&str>) -> UiLang {
        param
            .and_then(UiLang::from_tag)
            .unwrap_or_else(|| accept_language.map_or(UiLang::En, UiLang::from_accept_language))
    }

    /// Picks the first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> UiLang {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(UiLang::from_tag)
            .unwrap_or(UiLang::En)
    }
}

/// A part of the system a readiness message names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Component {
    Database,
    Taxonomy,
    /// The node serves another taxonomy than the database holds (a reload is pending).
    TaxonomyBehind,
}

impl Component {
    fn name(self, lang: UiLang) -> &'static str {
        match (self, lang) {
            (Component::Database, UiLang::En) => "the database does not answer",
            (Component::Database, UiLang::ZhTw) => "資料庫沒有回應",
            (Component::Taxonomy, UiLang::En) => "no taxonomy is loaded",
            (Component::Taxonomy, UiLang::ZhTw) => "尚未載入分類體系",
            (Component::TaxonomyBehind, UiLang::En) => {
                "this node still serves an older taxonomy than the database holds"
            }
            (Component::TaxonomyBehind, UiLang::ZhTw) => "此節點仍在使用較舊的分類體系，尚未更新",
        }
    }
}

/// A message with its parameters; rendered in a language by [`Message::render`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    NotFound,
    ConceptNotFound(String),
    BadRequest(String),
    UnknownValue {
        field: String,
        value: String,
        expected: String,
    },
    UnknownLanguage {
        value: String,
        available: String,
    },
    PayloadTooLarge,
    TooManyRequests,
    /// Another change to the same records was being written at the same moment.
    Busy,
    /// A decision on a claim that was decided meanwhile (on the version this one was based on).
    ClaimChanged,
    /// Disabling the only enabled administrator.
    LastAdministrator,
    /// A web form the server could not read (missing or malformed fields).
    FormUnreadable,
    /// A sign-in, registration or reset form posted from another site.
    CrossSiteForm,
    Timeout,
    NotReady(Component),
    Internal,
    QueryRequired,
    QueryTooLong {
        limit: usize,
    },
    BadCursor(String),
    WrongKind {
        id: u32,
        actual: String,
        expected: String,
    },
    MethodNotAllowed,
    EmptyText,
    TextTooLarge {
        limit: usize,
    },
    /// A record with invalid fields: (field, problem) pairs, listed in the problem's `errors`.
    InvalidRecord(Vec<(String, String)>),
    RecordNotFound {
        kind: &'static str,
        id: String,
    },
    IdMismatch {
        path: String,
        body: String,
    },
    /// A write to a record that belongs to another employer (named, so an import can be fixed).
    OwnedByAnother {
        kind: &'static str,
        id: String,
    },
    /// A filter value (id, code or label) that names nothing.
    UnknownFilterValue {
        param: String,
        value: String,
    },
    /// A filter label that names several things.
    AmbiguousFilterValue {
        param: String,
        value: String,
        candidates: String,
    },
    /// Parameters that only make sense together.
    IncompleteParameters(String),
    /// The request needs a signed-in user or an API token.
    SignInRequired,
    /// The caller may not do this to this record.
    Forbidden,
    /// A cookie-authenticated change without the session's CSRF token.
    CsrfMismatch,
    /// A bearer token that is unknown, revoked or of a disabled account.
    InvalidToken,
    /// Login with a wrong e-mail address or password (never says which).
    BadCredentials,
    /// Sign-in refused for a while after repeated wrong passwords for the address.
    AccountLocked {
        retry_after_secs: u64,
    },
    /// An account with the e-mail address exists: an administrator creating one, or a
    /// registration's confirmation link used after the address got an account (registering
    /// itself never says so).
    EmailTaken,
    /// A password that is too short or too long.
    WeakPassword {
        min: usize,
        max: usize,
    },
    /// A password-reset link that is unknown, used or expired.
    InvalidResetLink,
    /// A registration's confirmation link that is unknown, used or expired.
    InvalidRegistrationLink,
    /// A registration confirmed with another password than the one chosen when registering.
    WrongRegistrationPassword {
        /// Wrong passwords still allowed before the link stops working.
        attempts_left: i64,
    },
    /// A registration whose confirmation had too many wrong passwords: removed, its link dead.
    RegistrationAttemptsUsed,
    /// A benefit claim that cannot be decided yet (still undetermined).
    ClaimNotDecidable {
        needed: String,
    },
    /// A benefit claim that has been decided already (its log is final; appeal instead).
    ClaimAlreadyDecided,
    /// An action-plan step changed since the editor read it.
    StepChanged {
        current: i64,
    },
    /// An uploaded file without text (empty, or a scan).
    NoTextInFile,
    /// An uploaded file of a format that is not read.
    UnsupportedFile {
        kind: String,
    },
    /// An uploaded text file that is not UTF-8.
    FileNotUtf8 {
        offset: usize,
    },
    /// A damaged PDF or DOCX (the detail is the reader's own, in English).
    UnreadableFile {
        format: &'static str,
        detail: String,
    },
    /// An application changed since the editor read it.
    ApplicationChanged {
        current: i64,
    },
    /// A second application for the same vacancy.
    AlreadyApplied,
    /// An application for a vacancy that no longer takes them.
    VacancyClosed,
    /// An employer whose organisation staff have not verified yet.
    EmployerUnverified,
    /// An employer contacting a seeker who is not a candidate for the vacancy (not found by
    /// matching with consent, and not an applicant).
    NotACandidate,
    /// An employer that sent its contacts for the day.
    ContactLimit {
        per_day: i64,
    },
    /// A second contact with the same seeker about the same vacancy.
    AlreadyContacted,
    /// A job offer that was confirmed or declined already.
    ReferralSettled {
        status: String,
    },
    /// An application status that cannot follow the current one (or not by this party).
    StatusNotAllowed {
        from: String,
        to: String,
    },
}

impl Message {
    /// A stable, machine-readable code of the message (the problem's `code`).
    pub fn code(&self) -> &'static str {
        match self {
            Message::NotFound => "not_found",
            Message::ConceptNotFound(_) => "concept_not_found",
            Message::BadRequest(_) => "bad_request",
            Message::UnknownValue { .. } => "unknown_value",
            Message::UnknownLanguage { .. } => "unknown_language",
            Message::PayloadTooLarge => "payload_too_large",
            Message::Timeout => "timeout",
            Message::TooManyRequests => "too_many_requests",
            Message::Busy => "busy",
            Message::ClaimChanged => "claim_changed",
            Message::LastAdministrator => "last_administrator",
            Message::FormUnreadable => "form_unreadable",
            Message::CrossSiteForm => "cross_site_form",
            Message::NotReady(_) => "not_ready",
            Message::Internal => "internal_error",
            Message::QueryRequired => "query_required",
            Message::QueryTooLong { .. } => "query_too_long",
            Message::BadCursor(_) => "bad_cursor",
            Message::WrongKind { .. } => "wrong_kind",
            Message::MethodNotAllowed => "method_not_allowed",
            Message::EmptyText => "empty_text",
            Message::TextTooLarge { .. } => "text_too_large",
            Message::InvalidRecord(_) => "invalid_record",
            Message::RecordNotFound { .. } => "record_not_found",
            Message::OwnedByAnother { .. } => "owned_by_another",
            Message::IdMismatch { .. } => "id_mismatch",
            Message::UnknownFilterValue { .. } => "unknown_filter_value",
            Message::AmbiguousFilterValue { .. } => "ambiguous_filter_value",
            Message::IncompleteParameters(_) => "incomplete_parameters",
            Message::SignInRequired => "sign_in_required",
            Message::Forbidden => "forbidden",
            Message::CsrfMismatch => "csrf_mismatch",
            Message::InvalidToken => "invalid_token",
            Message::BadCredentials => "bad_credentials",
            Message::AccountLocked { .. } => "account_locked",
            Message::EmailTaken => "email_taken",
            Message::WeakPassword { .. } => "weak_password",
            Message::InvalidResetLink => "invalid_reset_link",
            Message::InvalidRegistrationLink => "invalid_registration_link",
            Message::WrongRegistrationPassword { .. } => "wrong_registration_password",
            Message::RegistrationAttemptsUsed => "registration_attempts_used",
            Message::ClaimNotDecidable { .. } => "claim_not_decidable",
            Message::ClaimAlreadyDecided => "claim_already_decided",
            Message::StepChanged { .. } => "step_changed",
            Message::ApplicationChanged { .. } => "application_changed",
            Message::NoTextInFile => "no_text_in_file",
            Message::UnsupportedFile { .. } => "unsupported_file",
            Message::FileNotUtf8 { .. } => "file_not_utf8",
            Message::UnreadableFile { .. } => "unreadable_file",
            Message::AlreadyApplied => "already_applied",
            Message::VacancyClosed => "vacancy_closed",
            Message::EmployerUnverified => "employer_unverified",
            Message::NotACandidate => "not_a_candidate",
            Message::ContactLimit { .. } => "contact_limit",
            Message::AlreadyContacted => "already_contacted",
            Message::ReferralSettled { .. } => "referral_settled",
            Message::StatusNotAllowed { .. } => "status_not_allowed",
        }
    }

    /// A short title, the same for every occurrence of the code.
    pub fn title(&self, lang: UiLang) -> &'static str {
        match (self, lang) {
            (Message::NotFound, UiLang::En) => "Not found",
            (Message::NotFound, UiLang::ZhTw) => "找不到資源",
            (Message::ConceptNotFound(_), UiLang::En) => "Concept not found",
            (Message::ConceptNotFound(_), UiLang::ZhTw) => "找不到此概念",
            (Message::BadRequest(_), UiLang::En) => "Bad request",
            (Message::BadRequest(_), UiLang::ZhTw) => "請求格式錯誤",
            (Message::UnknownValue { .. }, UiLang::En) => "Unknown value",
            (Message::UnknownValue { .. }, UiLang::ZhTw) => "無法辨識的值",
            (Message::UnknownLanguage { .. }, UiLang::En) => "Unknown language",
            (Message::UnknownLanguage { .. }, UiLang::ZhTw) => "無法辨識的語言",
            (Message::PayloadTooLarge, UiLang::En) => "Request too large",
            (Message::PayloadTooLarge, UiLang::ZhTw) => "請求內容過大",
            (Message::TooManyRequests, UiLang::En) => "Too many requests",
            (Message::Busy, UiLang::En) => "Changed at the same moment",
            (Message::Busy, UiLang::ZhTw) => "資料正同時被修改",
            (Message::ClaimChanged, UiLang::En) => "The claim was decided meanwhile",
            (Message::ClaimChanged, UiLang::ZhTw) => "此申請已有新的決定",
            (Message::LastAdministrator, UiLang::En) => "The last administrator",
            (Message::LastAdministrator, UiLang::ZhTw) => "最後一位系統管理員",
            (Message::FormUnreadable, UiLang::En) => "The form could not be read",
            (Message::FormUnreadable, UiLang::ZhTw) => "無法讀取表單",
            (Message::CrossSiteForm, UiLang::En) => "Sent from another site",
            (Message::CrossSiteForm, UiLang::ZhTw) => "來自其他網站的表單",
            (Message::TooManyRequests, UiLang::ZhTw) => "請求過於頻繁",
            (Message::Timeout, UiLang::En) => "Request timed out",
            (Message::Timeout, UiLang::ZhTw) => "請求逾時",
            (Message::NotReady(_), UiLang::En) => "Service not ready",
            (Message::NotReady(_), UiLang::ZhTw) => "服務尚未就緒",
            (Message::Internal, UiLang::En) => "Internal error",
            (Message::Internal, UiLang::ZhTw) => "系統內部錯誤",
            (Message::QueryRequired, UiLang::En) => "Search text required",
            (Message::QueryRequired, UiLang::ZhTw) => "請輸入搜尋文字",
            (Message::QueryTooLong { .. }, UiLang::En) => "Search text too long",
            (Message::QueryTooLong { .. }, UiLang::ZhTw) => "搜尋文字過長",
            (Message::UnknownFilterValue { .. }, UiLang::En) => "Unknown filter value",
            (Message::UnknownFilterValue { .. }, UiLang::ZhTw) => "無法辨識的篩選值",
            (Message::AmbiguousFilterValue { .. }, UiLang::En) => "Ambiguous filter value",
            (Message::AmbiguousFilterValue { .. }, UiLang::ZhTw) => "篩選值不明確",
            (Message::IncompleteParameters(_), UiLang::En) => "Incomplete parameters",
            (Message::IncompleteParameters(_), UiLang::ZhTw) => "參數不完整",
            (Message::BadCursor(_), UiLang::En) => "Invalid cursor",
            (Message::BadCursor(_), UiLang::ZhTw) => "無效的分頁游標",
            (Message::WrongKind { .. }, UiLang::En) => "Wrong kind of concept",
            (Message::WrongKind { .. }, UiLang::ZhTw) => "概念類型不符",
            (Message::MethodNotAllowed, UiLang::En) => "Method not allowed",
            (Message::MethodNotAllowed, UiLang::ZhTw) => "不支援此請求方法",
            (Message::EmptyText, UiLang::En) => "Empty text",
            (Message::EmptyText, UiLang::ZhTw) => "文字內容為空",
            (Message::TextTooLarge { .. }, UiLang::En) => "Text too large",
            (Message::TextTooLarge { .. }, UiLang::ZhTw) => "文字內容過長",
            (Message::InvalidRecord(_), UiLang::En) => "Invalid record",
            (Message::InvalidRecord(_), UiLang::ZhTw) => "資料內容有誤",
            (Message::RecordNotFound { .. }, UiLang::En) => "Record not found",
            (Message::RecordNotFound { .. }, UiLang::ZhTw) => "找不到此筆資料",
            (Message::OwnedByAnother { .. }, UiLang::En) => "Another employer's record",
            (Message::OwnedByAnother { .. }, UiLang::ZhTw) => "其他雇主的資料",
            (Message::IdMismatch { .. }, UiLang::En) => "Id mismatch",
            (Message::IdMismatch { .. }, UiLang::ZhTw) => "識別碼不一致",
            (Message::SignInRequired, UiLang::En) => "Sign-in required",
            (Message::SignInRequired, UiLang::ZhTw) => "請先登入",
            (Message::Forbidden, UiLang::En) => "Not allowed",
            (Message::Forbidden, UiLang::ZhTw) => "沒有權限",
            (Message::CsrfMismatch, UiLang::En) => "Missing or wrong CSRF token",
            (Message::CsrfMismatch, UiLang::ZhTw) => "缺少或錯誤的 CSRF 權杖",
            (Message::InvalidToken, UiLang::En) => "Invalid API token",
            (Message::InvalidToken, UiLang::ZhTw) => "無效的 API 權杖",
            (Message::BadCredentials, UiLang::En) => "Wrong e-mail or password",
            (Message::BadCredentials, UiLang::ZhTw) => "電子郵件或密碼錯誤",
            (Message::AccountLocked { .. }, UiLang::En) => "Sign-in locked for a while",
            (Message::AccountLocked { .. }, UiLang::ZhTw) => "登入暫時鎖定",
            (Message::EmailTaken, UiLang::En) => "E-mail address already registered",
            (Message::EmailTaken, UiLang::ZhTw) => "此電子郵件已註冊",
            (Message::WeakPassword { .. }, UiLang::En) => "Unsuitable password",
            (Message::WeakPassword { .. }, UiLang::ZhTw) => "密碼不符合規定",
            (Message::InvalidResetLink, UiLang::En) => "Invalid reset link",
            (Message::InvalidResetLink, UiLang::ZhTw) => "無效的重設連結",
            (Message::InvalidRegistrationLink, UiLang::En) => "Invalid confirmation link",
            (Message::InvalidRegistrationLink, UiLang::ZhTw) => "無效的確認連結",
            (Message::WrongRegistrationPassword { .. }, UiLang::En) => "Wrong password",
            (Message::WrongRegistrationPassword { .. }, UiLang::ZhTw) => "密碼不正確",
            (Message::RegistrationAttemptsUsed, UiLang::En) => "Confirmation link closed",
            (Message::RegistrationAttemptsUsed, UiLang::ZhTw) => "確認連結已失效",
            (Message::ClaimNotDecidable { .. }, UiLang::En) => "Claim cannot be decided",
            (Message::ClaimNotDecidable { .. }, UiLang::ZhTw) => "此申請無法決定",
            (Message::ClaimAlreadyDecided, UiLang::En) => "Claim already decided",
            (Message::ClaimAlreadyDecided, UiLang::ZhTw) => "此申請已決定",
            (Message::StepChanged { .. }, UiLang::En) => "Changed by someone else",
            (Message::StepChanged { .. }, UiLang::ZhTw) => "已被他人修改",
            (Message::NoTextInFile, UiLang::En) => "No text in the file",
            (Message::NoTextInFile, UiLang::ZhTw) => "檔案中沒有文字",
            (Message::UnsupportedFile { .. }, UiLang::En) => "File format not supported",
            (Message::UnsupportedFile { .. }, UiLang::ZhTw) => "不支援的檔案格式",
            (Message::FileNotUtf8 { .. }, UiLang::En) => "Text file not in UTF-8",
            (Message::FileNotUtf8 { .. }, UiLang::ZhTw) => "文字檔不是 UTF-8 編碼",
            (Message::UnreadableFile { .. }, UiLang::En) => "File cannot be read",
            (Message::UnreadableFile { .. }, UiLang::ZhTw) => "無法讀取檔案",
            (Message::ApplicationChanged { .. }, UiLang::En) => "Application changed meanwhile",
            (Message::ApplicationChanged { .. }, UiLang::ZhTw) => "應徵紀錄已被更新",
            (Message::AlreadyApplied, UiLang::En) => "Applied already",
            (Message::AlreadyApplied, UiLang::ZhTw) => "已應徵過",
            (Message::VacancyClosed, UiLang::En) => "Vacancy closed",
            (Message::VacancyClosed, UiLang::ZhTw) => "職缺已截止",
            (Message::EmployerUnverified, UiLang::En) => "Employer account awaits verification",
            (Message::EmployerUnverified, UiLang::ZhTw) => "雇主帳號尚待審核",
            (Message::NotACandidate, UiLang::En) => "Not a candidate for this vacancy",
            (Message::NotACandidate, UiLang::ZhTw) => "不是此職缺的候選人",
            (Message::ContactLimit { .. }, UiLang::En) => "Daily contact limit reached",
            (Message::ContactLimit { .. }, UiLang::ZhTw) => "已達每日聯繫上限",
            (Message::AlreadyContacted, UiLang::En) => "Contacted already",
            (Message::AlreadyContacted, UiLang::ZhTw) => "已聯繫過",
            (Message::ReferralSettled { .. }, UiLang::En) => "Offer settled already",
            (Message::ReferralSettled { .. }, UiLang::ZhTw) => "此工作機會已處理",
            (Message::StatusNotAllowed { .. }, UiLang::En) => "Status change not possible",
            (Message::StatusNotAllowed { .. }, UiLang::ZhTw) => "無法變更為此狀態",
        }
    }

    /// The detailed explanation, with parameters filled in.
    pub fn render(&self, lang: UiLang) -> String {
        match (self, lang) {
            (Message::NotFound, UiLang::En) => "No resource exists at this address.".into(),
            (Message::NotFound, UiLang::ZhTw) => "此網址沒有對應的資源。".into(),
            (Message::ConceptNotFound(id), UiLang::En) => {
                format!("No concept '{id}' exists in the current taxonomy.")
            }
            (Message::ConceptNotFound(id), UiLang::ZhTw) => {
                format!("目前的分類體系中沒有概念「{id}」。")
            }
            (Message::BadRequest(why), UiLang::En) => format!("The request is invalid: {why}"),
            (Message::BadRequest(why), UiLang::ZhTw) => format!("請求無效：{why}"),
            (
                Message::UnknownValue {
                    field,
                    value,
                    expected,
                },
                UiLang::En,
            ) => format!(
                "'{value}' is not a valid value for '{field}' (expected one of: {expected})."
            ),
            (
                Message::UnknownValue {
                    field,
                    value,
                    expected,
                },
                UiLang::ZhTw,
            ) => format!("「{value}」不是「{field}」的有效值（可用值：{expected}）。"),
            (Message::UnknownLanguage { value, available }, UiLang::En) => {
                format!("No labels exist in language '{value}' (available: {available}).")
            }
            (Message::UnknownLanguage { value, available }, UiLang::ZhTw) => {
                format!("沒有語言「{value}」的標籤（可用語言：{available}）。")
            }
            (Message::PayloadTooLarge, UiLang::En) => {
                "The request body exceeds the configured limit.".into()
            }
            (Message::PayloadTooLarge, UiLang::ZhTw) => "請求內容超過系統設定的上限。".into(),
            (Message::TooManyRequests, UiLang::En) => {
                "This client sent more requests than allowed; retry after the time in the Retry-After header."
                    .into()
            }
            (Message::Busy, UiLang::En) => {
                "Someone else was changing the same records at the same moment; nothing was changed. Try again.".into()
            }
            (Message::Busy, UiLang::ZhTw) => {
                "有其他人正同時修改相同的資料，這次的變更未儲存，請再試一次。".into()
            }
            (Message::ClaimChanged, UiLang::En) => {
                "Someone else decided this claim while you were looking at it; your decision was not recorded. Read the new decision first.".into()
            }
            (Message::ClaimChanged, UiLang::ZhTw) => {
                "在您檢視期間，已有其他人對此申請作出決定；您的決定未被記錄，請先閱讀最新的決定。".into()
            }
            (Message::LastAdministrator, UiLang::En) => {
                "This is the only enabled administrator: create or enable another one first.".into()
            }
            (Message::LastAdministrator, UiLang::ZhTw) => {
                "這是唯一啟用中的系統管理員帳號，請先建立或啟用另一位系統管理員。".into()
            }
            (Message::FormUnreadable, UiLang::En) => {
                "Some fields of the form were missing or could not be read. Go back, check what you entered and send it again.".into()
            }
            (Message::FormUnreadable, UiLang::ZhTw) => {
                "表單有欄位缺漏或無法讀取，請返回上一頁檢查填寫的內容後再送出。".into()
            }
            (Message::CrossSiteForm, UiLang::En) => {
                "This form was sent from another website, so it was not accepted. Open this service's own page and try again.".into()
            }
            (Message::CrossSiteForm, UiLang::ZhTw) => {
                "這份表單是從其他網站送出的，因此未被接受。請開啟本服務的網頁後再試一次。".into()
            }
            (Message::TooManyRequests, UiLang::ZhTw) => {
                "此用戶端的請求次數超過上限；請依 Retry-After 標頭的秒數稍後再試。".into()
            }
            (Message::Timeout, UiLang::En) => {
                "The request took longer than the configured limit.".into()
            }
            (Message::Timeout, UiLang::ZhTw) => "請求處理時間超過系統設定的上限。".into(),
            (Message::NotReady(why), UiLang::En) => {
                format!("The service is not ready: {}.", why.name(lang))
            }
            (Message::NotReady(why), UiLang::ZhTw) => format!("服務尚未就緒：{}。", why.name(lang)),
            (Message::Internal, UiLang::En) => {
                "Something went wrong on our side; the request id identifies it in the logs.".into()
            }
            (Message::Internal, UiLang::ZhTw) => {
                "系統發生錯誤；請提供請求編號以便查詢紀錄。".into()
            }
            (Message::QueryRequired, UiLang::En) => "The parameter 'q' must not be empty.".into(),
            (Message::QueryRequired, UiLang::ZhTw) => "參數「q」不可為空白。".into(),
            (Message::QueryTooLong { limit }, UiLang::En) => {
                format!("The parameter 'q' may have at most {limit} characters.")
            }
            (Message::QueryTooLong { limit }, UiLang::ZhTw) => {
                format!("參數「q」最多 {limit} 個字元。")
            }
            (Message::UnknownFilterValue { param, value }, UiLang::En) => {
                format!("'{value}' given for '{param}' names nothing known.")
            }
            (Message::UnknownFilterValue { param, value }, UiLang::ZhTw) => {
                format!("參數「{param}」的值「{value}」查無對應項目。")
            }
            (
                Message::AmbiguousFilterValue {
                    param,
                    value,
                    candidates,
                },
                UiLang::En,
            ) => format!(
                "'{value}' given for '{param}' names several things; use one of: {candidates}."
            ),
            (
                Message::AmbiguousFilterValue {
                    param,
                    value,
                    candidates,
                },
                UiLang::ZhTw,
            ) => format!("參數「{param}」的值「{value}」對應多個項目，請改用：{candidates}。"),
            (Message::IncompleteParameters(which), UiLang::En) => {
                format!("These parameters go together: {which}.")
            }
            (Message::IncompleteParameters(which), UiLang::ZhTw) => {
                format!("以下參數須一併提供：{which}。")
            }
            (Message::SignInRequired, UiLang::En) => {
                "Sign in, or send an API token in the Authorization header.".into()
            }
            (Message::SignInRequired, UiLang::ZhTw) => {
                "請先登入，或在 Authorization 標頭中附上 API 權杖。".into()
            }
            (Message::Forbidden, UiLang::En) => {
                "Your role or your relation to this record does not allow this; the attempt was logged.".into()
            }
            (Message::Forbidden, UiLang::ZhTw) => {
                "您的角色或與此筆資料的關係不允許此操作；此次嘗試已記錄。".into()
            }
            (Message::CsrfMismatch, UiLang::En) => {
                "Changes made with a session cookie must carry the session's CSRF token (X-CSRF-Token header or csrf form field).".into()
            }
            (Message::CsrfMismatch, UiLang::ZhTw) => {
                "以登入工作階段進行變更時，須附上該工作階段的 CSRF 權杖（X-CSRF-Token 標頭或 csrf 表單欄位）。".into()
            }
            (Message::InvalidToken, UiLang::En) => {
                "The bearer token is unknown, revoked, or belongs to a disabled account.".into()
            }
            (Message::InvalidToken, UiLang::ZhTw) => "此權杖不存在、已撤銷，或所屬帳號已停用。".into(),
            (Message::BadCredentials, UiLang::En) => {
                "The e-mail address or the password is wrong.".into()
            }
            (Message::BadCredentials, UiLang::ZhTw) => "電子郵件或密碼不正確。".into(),
            (Message::AccountLocked { retry_after_secs }, UiLang::En) => format!(
                "Too many wrong passwords for this e-mail address; sign-in is locked. Try again in {} minute(s), or reset the password.",
                retry_after_secs.div_ceil(60)
            ),
            (Message::AccountLocked { retry_after_secs }, UiLang::ZhTw) => format!(
                "此電子郵件地址的密碼錯誤次數過多，登入已暫時鎖定。請於 {} 分鐘後再試，或重設密碼。",
                retry_after_secs.div_ceil(60)
            ),
            (Message::EmailTaken, UiLang::En) => {
                "An account with this e-mail address exists; sign in or reset its password.".into()
            }
            (Message::EmailTaken, UiLang::ZhTw) => "已有帳號使用此電子郵件；請登入或重設密碼。".into(),
            (Message::WeakPassword { min, max }, UiLang::En) => {
                format!("A password needs {min} to {max} characters.")
            }
            (Message::WeakPassword { min, max }, UiLang::ZhTw) => {
                format!("密碼長度須為 {min} 至 {max} 個字元。")
            }
            (Message::InvalidResetLink, UiLang::En) => {
                "This password-reset link is unknown, already used or expired; ask for a new one.".into()
            }
            (Message::InvalidResetLink, UiLang::ZhTw) => {
                "此密碼重設連結不存在、已使用或已過期；請重新申請。".into()
            }
            (Message::InvalidRegistrationLink, UiLang::En) => {
                "This confirmation link is unknown, already used or expired; register again.".into()
            }
            (Message::InvalidRegistrationLink, UiLang::ZhTw) => {
                "此註冊確認連結不存在、已使用或已過期；請重新註冊。".into()
            }
            (Message::WrongRegistrationPassword { attempts_left }, UiLang::En) => format!(
                "This is not the password chosen when registering; enter the password you set on the registration form. After {attempts_left} more wrong password(s) this link stops working."
            ),
            (Message::WrongRegistrationPassword { attempts_left }, UiLang::ZhTw) => format!(
                "密碼與註冊時設定的不符，請輸入您註冊時設定的密碼。再輸入錯誤 {attempts_left} 次，此連結即失效。"
            ),
            (Message::RegistrationAttemptsUsed, UiLang::En) => {
                "Too many wrong passwords: this confirmation link no longer works and no account was created. Register again if you want an account.".into()
            }
            (Message::RegistrationAttemptsUsed, UiLang::ZhTw) => {
                "密碼輸入錯誤次數過多，此確認連結已失效，帳號未建立。如需帳號，請重新註冊。".into()
            }
            (Message::ClaimNotDecidable { needed }, UiLang::En) => {
                format!("This claim cannot be decided now: {needed}.")
            }
            (Message::ClaimNotDecidable { needed }, UiLang::ZhTw) => {
                format!("此申請目前無法決定：{needed}。")
            }
            (Message::ClaimAlreadyDecided, UiLang::En) => {
                "This claim has been decided; a review of the decision goes through an appeal.".into()
            }
            (Message::ClaimAlreadyDecided, UiLang::ZhTw) => {
                "此申請已作成決定；如不服請依決定書所載方式提起救濟。".into()
            }
            (Message::StepChanged { current }, UiLang::En) => format!(
                "This step was changed after you read it (it is now at version {current}); reload it and try again."
            ),
            (Message::StepChanged { current }, UiLang::ZhTw) => {
                format!("此步驟在您讀取後已被修改（目前為第 {current} 版）；請重新載入後再試。")
            }
            (Message::NoTextInFile, UiLang::En) => {
                "The file has no text. A scanned CV has to be typed in or pasted; a PDF exported from a word processor works.".into()
            }
            (Message::NoTextInFile, UiLang::ZhTw) => {
                "檔案中沒有可讀取的文字。掃描的履歷請改為貼上文字；由文書軟體匯出的 PDF 可以讀取。".into()
            }
            (Message::UnsupportedFile { kind }, UiLang::En) => {
                format!("{kind} files are not read; send a PDF, a DOCX or plain text.")
            }
            (Message::UnsupportedFile { kind }, UiLang::ZhTw) => {
                format!("無法讀取 {kind} 檔案；請上傳 PDF、DOCX 或純文字檔。")
            }
            (Message::FileNotUtf8 { offset }, UiLang::En) => format!(
                "The text file is not UTF-8 (invalid byte at offset {offset}); save it as UTF-8 and try again."
            ),
            (Message::FileNotUtf8 { offset }, UiLang::ZhTw) => {
                format!("文字檔不是 UTF-8 編碼（第 {offset} 位元組無效）；請另存為 UTF-8 後再試。")
            }
            (Message::UnreadableFile { format, detail }, UiLang::En) => {
                format!("The {format} file is damaged or cannot be read ({detail}).")
            }
            (Message::UnreadableFile { format, detail }, UiLang::ZhTw) => {
                format!("{format} 檔案已損毀或無法讀取（{detail}）。")
            }
            (Message::ApplicationChanged { current }, UiLang::En) => format!(
                "This application was changed after you read it (it is now at version {current}); reload it and try again."
            ),
            (Message::ApplicationChanged { current }, UiLang::ZhTw) => {
                format!("此應徵紀錄在您讀取後已被更新（目前為第 {current} 版）；請重新載入後再試。")
            }
            (Message::AlreadyApplied, UiLang::En) => {
                "You have applied for this vacancy already; see your applications.".into()
            }
            (Message::AlreadyApplied, UiLang::ZhTw) => "您已應徵過此職缺；請查看您的應徵紀錄。".into(),
            (Message::VacancyClosed, UiLang::En) => {
                "This vacancy is no longer taking applications.".into()
            }
            (Message::VacancyClosed, UiLang::ZhTw) => "此職缺已不再接受應徵。".into(),
            (Message::EmployerUnverified, UiLang::En) => {
                "Your employer account awaits verification by the employment service: until staff have approved your organisation, you cannot see or contact candidates.".into()
            }
            (Message::EmployerUnverified, UiLang::ZhTw) => {
                "您的雇主帳號尚待就業服務機構審核；在工作人員核准貴機構之前，無法查看或聯繫候選人。".into()
            }
            (Message::NotACandidate, UiLang::En) => {
                "You may contact only candidates of this vacancy who agreed to be found, or who applied for it.".into()
            }
            (Message::NotACandidate, UiLang::ZhTw) => {
                "您只能聯繫同意被搜尋的此職缺候選人，或已應徵此職缺的求職者。".into()
            }
            (Message::ContactLimit { per_day }, UiLang::En) => format!(
                "An employer may contact at most {per_day} job seekers a day; try again tomorrow."
            ),
            (Message::ContactLimit { per_day }, UiLang::ZhTw) => {
                format!("每個雇主每天最多聯繫 {per_day} 位求職者；請明天再試。")
            }
            (Message::AlreadyContacted, UiLang::En) => {
                "You have contacted this job seeker about this vacancy already.".into()
            }
            (Message::AlreadyContacted, UiLang::ZhTw) => "您已就此職缺聯繫過這位求職者。".into(),
            (Message::ReferralSettled { status }, UiLang::En) => {
                format!("This offer is '{status}' already and cannot change.")
            }
            (Message::ReferralSettled { status }, UiLang::ZhTw) => {
                let status = match status.as_str() {
                    "confirmed" => "已確認",
                    "declined" => "已婉拒",
                    _ => "已處理",
                };
                format!("此工作機會{status}，無法再變更。")
            }
            (Message::StatusNotAllowed { from, to }, UiLang::En) => format!(
                "An application that is '{from}' cannot become '{to}' by you."
            ),
            (Message::StatusNotAllowed { from, to }, UiLang::ZhTw) => {
                format!("狀態為「{from}」的應徵紀錄無法由您變更為「{to}」。")
            }
            (Message::BadCursor(c), UiLang::En) => format!(
                "'{c}' is not a cursor; pass the next_cursor value of a previous page."
            ),
            (Message::BadCursor(c), UiLang::ZhTw) => {
                format!("「{c}」不是有效的游標；請使用上一頁回傳的 next_cursor。")
            }
            (
                Message::WrongKind {
                    id,
                    actual,
                    expected,
                },
                UiLang::En,
            ) => format!("Concept {id} is a {actual}; this request needs a {expected}."),
            (
                Message::WrongKind {
                    id,
                    actual,
                    expected,
                },
                UiLang::ZhTw,
            ) => format!("概念 {id} 的類型是 {actual}；此請求需要 {expected}。"),
            (Message::MethodNotAllowed, UiLang::En) => {
                "This address does not accept this HTTP method.".into()
            }
            (Message::MethodNotAllowed, UiLang::ZhTw) => "此網址不接受這個 HTTP 方法。".into(),
            (Message::EmptyText, UiLang::En) => "The field 'text' has no content to read.".into(),
            (Message::EmptyText, UiLang::ZhTw) => "欄位「text」沒有可讀取的內容。".into(),
            (Message::TextTooLarge { limit }, UiLang::En) => {
                format!("The text may have at most {limit} bytes.")
            }
            (Message::TextTooLarge { limit }, UiLang::ZhTw) => {
                format!("文字內容最多 {limit} 位元組。")
            }
            (Message::InvalidRecord(errors), UiLang::En) => format!(
                "{} field(s) are invalid: {}. Nothing was stored.",
                errors.len(),
                fields_of(errors)
            ),
            (Message::InvalidRecord(errors), UiLang::ZhTw) => format!(
                "共 {} 個欄位有誤：{}。未儲存任何資料。",
                errors.len(),
                fields_of(errors)
            ),
            (Message::RecordNotFound { kind, id }, UiLang::En) => {
                format!("There is no {kind} with id '{id}'.")
            }
            (Message::RecordNotFound { kind, id }, UiLang::ZhTw) => {
                format!("找不到識別碼為「{id}」的{}。", kind_zh(kind))
            }
            (Message::OwnedByAnother { kind, id }, UiLang::En) => {
                format!("The {kind} '{id}' belongs to another employer; nothing was changed.")
            }
            (Message::OwnedByAnother { kind, id }, UiLang::ZhTw) => {
                format!("{}「{id}」屬於其他雇主；未變更任何資料。", kind_zh(kind))
            }
            (Message::IdMismatch { path, body }, UiLang::En) => {
                format!("The address names '{path}' but the body's id is '{body}'.")
            }
            (Message::IdMismatch { path, body }, UiLang::ZhTw) => {
                format!("網址中的識別碼為「{path}」，但內容中的 id 為「{body}」。")
            }
        }
    }
}

fn fields_of(errors: &[(String, String)]) -> String {
    errors
        .iter()
        .map(|(field, _)| field.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "seeker" => "求職者",
        "vacancy" => "職缺",
        "employer" => "雇主",
        _ => "資料",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_lists_are_written_as_each_language_writes_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(percent(0.004), "0.4 %");
        assert_eq!(percent(0.63), "63 %");
        assert_eq!(percent(0.0), "0 %");
        let names = vec!["a".to_string(), "b".to_string()];
        assert_eq!(list(&names, UiLang::En), "a, b");
        assert_eq!(list(&names, UiLang::ZhTw), "「a」、「b」");
        let text = Text {
            zh_tw: "護理師",
            en: "nurse",
        };
        assert_eq!(text.get(UiLang::ZhTw), "護理師");
        assert_eq!(text.get(UiLang::En), "nurse");
    }

    #[test]
    fn picks_language_from_accept_language() {
        assert_eq!(
            UiLang::from_accept_language("zh-TW,zh;q=0.9,en;q=0.8"),
            UiLang::ZhTw
        );
        assert_eq!(UiLang::from_accept_language("fr-FR, en;q=0.5"), UiLang::En);
        assert_eq!(UiLang::from_accept_language(""), UiLang::En);
    }

    #[test]
    fn every_message_has_both_languages() {
        let all = [
            Message::NotFound,
            Message::ConceptNotFound("x".into()),
            Message::BadRequest("x".into()),
            Message::UnknownValue {
                field: "kind".into(),
                value: "x".into(),
                expected: "a".into(),
            },
            Message::UnknownLanguage {
                value: "x".into(),
                available: "en".into(),
            },
            Message::PayloadTooLarge,
            Message::TooManyRequests,
            Message::Busy,
            Message::ClaimChanged,
            Message::LastAdministrator,
            Message::FormUnreadable,
            Message::CrossSiteForm,
            Message::Timeout,
            Message::NotReady(Component::Database),
            Message::Internal,
            Message::QueryRequired,
            Message::QueryTooLong { limit: 1 },
            Message::BadCursor("x".into()),
            Message::WrongKind {
                id: 1,
                actual: "skill".into(),
                expected: "occupation".into(),
            },
            Message::MethodNotAllowed,
            Message::EmptyText,
            Message::TextTooLarge { limit: 1 },
            Message::InvalidRecord(vec![("id".into(), "bad".into())]),
            Message::RecordNotFound {
                kind: "seeker",
                id: "x".into(),
            },
            Message::IdMismatch {
                path: "a".into(),
                body: "b".into(),
            },
            Message::OwnedByAnother {
                kind: "vacancy",
                id: "v".into(),
            },
            Message::UnknownFilterValue {
                param: "occupation".into(),
                value: "x".into(),
            },
            Message::AmbiguousFilterValue {
                param: "place".into(),
                value: "x".into(),
                candidates: "a, b".into(),
            },
            Message::IncompleteParameters("lat, lon".into()),
            Message::AccountLocked {
                retry_after_secs: 61,
            },
            Message::EmailTaken,
            Message::InvalidResetLink,
            Message::InvalidRegistrationLink,
            Message::WrongRegistrationPassword { attempts_left: 4 },
            Message::RegistrationAttemptsUsed,
            Message::ApplicationChanged { current: 2 },
            Message::NoTextInFile,
            Message::UnsupportedFile { kind: "RTF".into() },
            Message::FileNotUtf8 { offset: 3 },
            Message::UnreadableFile {
                format: "PDF",
                detail: "x".into(),
            },
            Message::AlreadyApplied,
            Message::VacancyClosed,
            Message::EmployerUnverified,
            Message::NotACandidate,
            Message::ContactLimit { per_day: 20 },
            Message::AlreadyContacted,
            Message::ReferralSettled {
                status: "confirmed".into(),
            },
            Message::StatusNotAllowed {
                from: "a".into(),
                to: "b".into(),
            },
        ];
        for m in all {
            assert_ne!(m.title(UiLang::En), m.title(UiLang::ZhTw));
            assert_ne!(m.render(UiLang::En), m.render(UiLang::ZhTw));
        }
    }
}
