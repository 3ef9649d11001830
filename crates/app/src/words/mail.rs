//! The messages the service sends people (to the outbox), in the recipient's language.

use super::UiLang;

/// The message an employer's contact request puts in the outbox for a seeker.
pub fn contact(lang: UiLang, employer: &str, vacancy: &str) -> (String, String) {
    match lang {
        UiLang::En => (
            format!("{employer} would like to hear from you"),
            format!("{employer} found your profile a good fit for the vacancy \"{vacancy}\" and would like to talk. Sign in to OpenPES to see the vacancy."),
        ),
        UiLang::ZhTw => (
            format!("{employer} 想與您聯絡"),
            format!("{employer} 認為您適合職缺「{vacancy}」，希望與您聯繫。請登入 OpenPES 查看職缺。"),
        ),
    }
}

/// The subject and body of a password-reset message.
pub fn reset(lang: UiLang, token: &str, hours: i64) -> (String, String) {
    match lang {
        UiLang::En => (
            "Reset your OpenPES password".to_string(),
            format!(
                "Someone asked to reset the password of this account. To choose a new one, open \
                 /reset/confirm?token={token} within {hours} hours. If it was not you, ignore \
                 this message."
            ),
        ),
        UiLang::ZhTw => (
            "重設您的 OpenPES 密碼".to_string(),
            format!(
                "有人申請重設此帳號的密碼。請於 {hours} 小時內開啟 /reset/confirm?token={token} \
                 設定新密碼。若非您本人申請，請忽略此訊息。"
            ),
        ),
    }
}

/// The subject and body of the message that finishes a registration: the confirmation link,
/// valid for `hours`, which opens its page in the registration form's language (`lang=`) and
/// asks for the password chosen when registering.
pub fn registration(lang: UiLang, token: &str, hours: i64) -> (String, String) {
    let tag = lang.tag();
    match lang {
        UiLang::En => (
            "Confirm your OpenPES account".to_string(),
            format!(
                "Someone asked to create an OpenPES account with this e-mail address. To finish, \
                 open /register/confirm?token={token}&lang={tag} within {hours} hours and enter \
                 the password you chose when registering. If you did not ask for this, ignore \
                 this message: no account is created, and nobody can use this link without the \
                 password chosen when registering."
            ),
        ),
        UiLang::ZhTw => (
            "確認您的 OpenPES 帳號".to_string(),
            format!(
                "有人以此電子郵件地址申請註冊 OpenPES 帳號。請於 {hours} 小時內開啟 \
                 /register/confirm?token={token}&lang={tag}，並輸入您註冊時設定的密碼，\
                 即可完成註冊。若您沒有申請註冊，請忽略此信，系統不會建立帳號；\
                 不知道註冊時設定的密碼，任何人都無法使用此連結。"
            ),
        ),
    }
}

/// The subject and body of the notice to an address that already has an account when someone
/// registers with it (registering answers the same either way; only the owner learns of it).
pub fn registration_taken(lang: UiLang) -> (String, String) {
    match lang {
        UiLang::En => (
            "Someone tried to register with your e-mail address".to_string(),
            "Someone tried to create an OpenPES account with this e-mail address, which already \
             has one. If it was you, sign in at /login, or choose a new password at /reset if \
             you forgot it. If it was not you, ignore this message: nothing was changed."
                .to_string(),
        ),
        UiLang::ZhTw => (
            "有人嘗試以您的電子郵件地址註冊".to_string(),
            "有人嘗試以此電子郵件地址註冊 OpenPES 帳號，但此地址已有帳號。若是您本人，請至 \
             /login 登入；若忘記密碼，請至 /reset 重設。若非您本人，請忽略此訊息，您的帳號沒有任何變更。"
                .to_string(),
        ),
    }
}

/// The message an employer's job offer puts in the outbox for a seeker: it counts only once
/// they (or their caseworker) confirm it.
pub fn offer_mail(lang: UiLang, employer: &str, vacancy: &str, id: i64) -> (String, String) {
    match lang {
        UiLang::En => (
            format!("Job offer from {employer}"),
            format!(
                "{employer} says it offered you the job \"{vacancy}\" (offer {id}). Please confirm \
                 or decline that you received this offer on your benefit claim's page, or tell \
                 your caseworker."
            ),
        ),
        UiLang::ZhTw => (
            format!("{employer} 提供的工作機會"),
            format!(
                "{employer} 表示已向您提供「{vacancy}」的工作（編號 {id}）。請在您的失業給付申請頁面\
                 確認或婉拒此工作機會，或告知您的就業服務員。"
            ),
        ),
    }
}

/// The notice to an applicant whose application the employer moved on.
pub fn application_mail(lang: UiLang, vacancy: &str, status: &str) -> (String, String) {
    match lang {
        UiLang::En => (
            format!("Your application for \"{vacancy}\": {status}"),
            format!("Your application for the vacancy \"{vacancy}\" is now: {status}."),
        ),
        UiLang::ZhTw => (
            format!("您應徵的「{vacancy}」：{status}"),
            format!("您應徵的職缺「{vacancy}」目前狀態：{status}。"),
        ),
    }
}
