//! Language detection: which language a text is written in, as a BCP 47 tag.
//!
//! Text whose letters are mostly Han characters is Chinese; it is reported as `zh-TW` when it
//! uses characters that exist only in Traditional script, else `zh`. Other texts are
//! classified by `whatlang` (trigram statistics); short or ambiguous texts give `None`.

use crate::tokenize::is_cjk;
use whatlang::{Detector, Lang};

/// Characters common in Traditional Chinese whose Simplified forms differ.
const TRADITIONAL_ONLY: &str = "們這個來時會對學說為與發經過還點業從後員無動關現實機開體長頭問題將區師書護專計營處當讓務這電話聯請應職資";
/// Their Simplified counterparts (and other Simplified-only forms).
const SIMPLIFIED_ONLY: &str = "们这个来时会对学说为与发经过还点业从后员无动关现实机开体长头问题将区师书护专计营处当让务这电话联请应职资";

/// The language of `text`, or `None` when it cannot be told with confidence.
pub fn detect_language(text: &str) -> Option<String> {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() {
        return None;
    }
    let han = letters.iter().filter(|c| is_cjk(**c)).count();
    if han * 2 >= letters.len() {
        let traditional = text
            .chars()
            .filter(|c| TRADITIONAL_ONLY.contains(*c))
            .count();
        let simplified = text
            .chars()
            .filter(|c| SIMPLIFIED_ONLY.contains(*c) && !TRADITIONAL_ONLY.contains(*c))
            .count();
        return Some(
            if traditional >= simplified {
                "zh-TW"
            } else {
                "zh"
            }
            .to_string(),
        );
    }
    let info = Detector::new().detect(text)?;
    if !info.is_reliable() && letters.len() < 40 {
        // Short texts: trust only an English guess, the commonest case of job titles.
        if info.lang() != Lang::Eng {
            return None;
        }
    }
    Some(tag_of(info.lang()).to_string())
}

fn tag_of(lang: Lang) -> &'static str {
    match lang {
        Lang::Eng => "en",
        Lang::Nld => "nl",
        Lang::Deu => "de",
        Lang::Fra => "fr",
        Lang::Spa => "es",
        Lang::Ita => "it",
        Lang::Por => "pt",
        Lang::Swe => "sv",
        Lang::Dan => "da",
        Lang::Nob => "no",
        Lang::Fin => "fi",
        Lang::Est => "et",
        Lang::Pol => "pl",
        Lang::Ces => "cs",
        Lang::Ron => "ro",
        Lang::Hun => "hu",
        Lang::Ell => "el",
        Lang::Rus => "ru",
        Lang::Ukr => "uk",
        Lang::Tur => "tr",
        Lang::Ara => "ar",
        Lang::Jpn => "ja",
        Lang::Kor => "ko",
        Lang::Cmn => "zh",
        Lang::Vie => "vi",
        Lang::Tha => "th",
        Lang::Ind => "id",
        Lang::Lit => "lt",
        Lang::Lav => "lv",
        Lang::Slv => "sl",
        Lang::Slk => "sk",
        Lang::Hrv => "hr",
        Lang::Bul => "bg",
        _ => lang.code(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_common_languages() {
        assert_eq!(
            detect_language("We are looking for an experienced registered nurse to join our team.")
                .as_deref(),
            Some("en")
        );
        assert_eq!(
            detect_language("徵求病房護理師，需具備護理師證照，輪三班。").as_deref(),
            Some("zh-TW")
        );
        assert_eq!(
            detect_language("招聘病房护士，需要护士执业证书，三班倒。").as_deref(),
            Some("zh")
        );
        assert_eq!(
            detect_language("Wij zoeken een ervaren verpleegkundige voor onze afdeling in Gent.")
                .as_deref(),
            Some("nl")
        );
        assert_eq!(detect_language("1234 !!"), None);
    }
}
