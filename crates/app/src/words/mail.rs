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
