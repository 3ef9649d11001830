//! The words of applications: each status as the applicant and the employer read it.

use super::Text;
use crate::applications::ApplicationStatus;

/// A status in words.
pub fn status(status: ApplicationStatus) -> Text {
    use ApplicationStatus as S;
    let (zh_tw, en) = match status {
        S::Applied => ("已應徵", "Applied"),
        S::Viewed => ("雇主已讀", "Seen by the employer"),
        S::Interview => ("邀請面試", "Invited to an interview"),
        S::Offer => ("已提供工作機會", "Job offered"),
        S::Hired => ("已錄取", "Hired"),
        S::Rejected => ("未錄取", "Not selected"),
        S::Withdrawn => ("已撤回", "Withdrawn"),
    };
    Text { zh_tw, en }
}
