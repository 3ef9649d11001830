//! Bilingual text: every user-facing string of a rule exists in Traditional Chinese and English.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A text in Traditional Chinese (`zh-TW`) and English (`en`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    #[serde(rename = "zh-TW")]
    pub zh_tw: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Text {
    /// A text from two static strings (no allocation).
    pub const fn fixed(zh_tw: &'static str, en: &'static str) -> Self {
        Self {
            zh_tw: Cow::Borrowed(zh_tw),
            en: Cow::Borrowed(en),
        }
    }

    /// A text from two formatted strings.
    pub fn owned(zh_tw: String, en: String) -> Self {
        Self {
            zh_tw: Cow::Owned(zh_tw),
            en: Cow::Owned(en),
        }
    }

    /// The text in `lang` (`zh-TW`, or anything starting with `en`; Chinese otherwise).
    pub fn get(&self, lang: &str) -> &str {
        if lang.starts_with("en") {
            &self.en
        } else {
            &self.zh_tw
        }
    }
}
