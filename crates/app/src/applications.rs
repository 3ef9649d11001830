//! Applications as rules: where an application stands, who may move it where, and when a
//! vacancy takes applications. The status history is append-only in the store; these rules
//! decide which change is allowed before anything is written.

use crate::words::UiLang;
use openpes_matching::{Vacancy, VacancyStatus};

/// Longest message to an employer, in characters.
pub const MAX_NOTE_CHARS: usize = 4000;

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// Sent; the employer has not looked yet.
    Applied,
    Viewed,
    Interview,
    Offer,
    Hired,
    Rejected,
    Withdrawn,
}

/// Who changes an application: the applicant's side or the employer's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Applicant,
    Employer,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 7] = [
        ApplicationStatus::Applied,
        ApplicationStatus::Viewed,
        ApplicationStatus::Interview,
        ApplicationStatus::Offer,
        ApplicationStatus::Hired,
        ApplicationStatus::Rejected,
        ApplicationStatus::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ApplicationStatus::Applied => "applied",
            ApplicationStatus::Viewed => "viewed",
            ApplicationStatus::Interview => "interview",
            ApplicationStatus::Offer => "offer",
            ApplicationStatus::Hired => "hired",
            ApplicationStatus::Rejected => "rejected",
            ApplicationStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(code: &str) -> Option<ApplicationStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The status in words.
    pub fn label(self, lang: UiLang) -> &'static str {
        crate::words::applications::status(self).get(lang)
    }

    /// Hired, rejected and withdrawn applications do not change any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Hired | ApplicationStatus::Rejected | ApplicationStatus::Withdrawn
        )
    }

    /// Whether `party` may move an application from `self` to `to`. The applicant may only
    /// withdraw; the employer moves it forward (never back to `applied`, and `hired` only
    /// after an interview or offer) or rejects it. Nothing leaves a final status.
    pub fn may_become(self, to: ApplicationStatus, party: Party) -> bool {
        use ApplicationStatus as S;
        if self.is_final() || self == to {
            return false;
        }
        match party {
            Party::Applicant => to == S::Withdrawn,
            Party::Employer => match to {
                S::Viewed => self == S::Applied,
                S::Interview => matches!(self, S::Applied | S::Viewed | S::Offer),
                S::Offer => matches!(self, S::Applied | S::Viewed | S::Interview),
                S::Hired => matches!(self, S::Interview | S::Offer),
                S::Rejected => true,
                S::Applied | S::Withdrawn => false,
            },
        }
    }

    /// The party that makes this change.
    pub fn party_setting(to: ApplicationStatus) -> Party {
        if to == ApplicationStatus::Withdrawn {
            Party::Applicant
        } else {
            Party::Employer
        }
    }
}

/// A status name, in the stored form; an unknown stored value reads as `applied` and is logged.
pub fn stored_status(code: &str) -> ApplicationStatus {
    ApplicationStatus::parse(code).unwrap_or_else(|| {
        tracing::error!(status = code, "unknown application status in the database");
        ApplicationStatus::Applied
    })
}

/// Whether a vacancy takes applications on `today`: open and not expired.
pub fn is_open(vacancy: &Vacancy, today: chrono::NaiveDate) -> bool {
    vacancy.status == VacancyStatus::Open && vacancy.expires.is_none_or(|expires| expires >= today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApplicationStatus as S;

    #[test]
    fn the_applicant_may_only_withdraw_an_open_application() {
        for from in S::ALL {
            for to in S::ALL {
                let allowed = from.may_become(to, Party::Applicant);
                assert_eq!(
                    allowed,
                    to == S::Withdrawn && !from.is_final(),
                    "{from:?} → {to:?}"
                );
            }
        }
    }

    #[test]
    fn the_employer_moves_forward_and_nothing_leaves_a_final_status() {
        assert!(S::Applied.may_become(S::Viewed, Party::Employer));
        assert!(S::Viewed.may_become(S::Interview, Party::Employer));
        assert!(S::Interview.may_become(S::Offer, Party::Employer));
        assert!(S::Offer.may_become(S::Hired, Party::Employer));
        assert!(
            !S::Applied.may_become(S::Hired, Party::Employer),
            "hired needs an interview or offer"
        );
        assert!(
            !S::Interview.may_become(S::Viewed, Party::Employer),
            "never back to viewed"
        );
        assert!(
            !S::Viewed.may_become(S::Withdrawn, Party::Employer),
            "only the applicant withdraws"
        );
        for from in S::ALL {
            assert!(!from.may_become(S::Applied, Party::Employer));
            if from.is_final() {
                for to in S::ALL {
                    assert!(!from.may_become(to, Party::Employer));
                    assert!(!from.may_become(to, Party::Applicant));
                }
            } else {
                assert!(from.may_become(S::Rejected, Party::Employer));
            }
        }
    }

    #[test]
    fn statuses_round_trip_and_have_both_labels() {
        for s in S::ALL {
            assert_eq!(S::parse(s.code()), Some(s));
            assert_ne!(s.label(UiLang::En), s.label(UiLang::ZhTw));
        }
        assert_eq!(S::parse("accepted"), None);
    }
}
