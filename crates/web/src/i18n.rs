//! The web pages' words in Traditional Chinese and English. Templates read them as `t.key`;
//! a key missing in a template renders empty, and a test checks that every key used by a
//! template is defined here.

use openpes_http::i18n::UiLang;
use std::collections::BTreeMap;

/// (key, English, Traditional Chinese).
const CATALOG: &[(&str, &str, &str)] = &[
    ("app_name", "OpenPES", "OpenPES 就業服務平台"),
    ("search_title", "Find a job", "找工作"),
    ("search_words", "Job, skill or employer", "職務、技能或公司"),
    ("search_words_example", "e.g. nurse, forklift, 護理師", "例如：護理師、堆高機、會計"),
    ("search_place", "Place", "地點"),
    ("search_place_example", "e.g. 桃園, Taipei, 板橋", "例如：桃園、臺北、板橋"),
    ("search_button", "Search", "搜尋"),
    ("search_contract", "Contract", "僱用類型"),
    ("search_working_time", "Working time", "工作時間"),
    ("search_any", "Any", "不限"),
    ("search_sort", "Order", "排序"),
    ("search_sort_relevance", "Best match", "最相關"),
    ("search_sort_date", "Newest", "最新刊登"),
    ("search_found", "jobs found", "筆職缺"),
    ("search_understood", "Understood as", "系統理解為"),
    ("search_none", "No open job matches this search. Try fewer words, another place, or no filter.", "目前沒有符合條件的職缺。請試著減少關鍵字、換個地點或取消篩選條件。"),
    ("search_posted", "Posted", "刊登日期"),
    ("search_more", "More jobs", "更多職缺"),
    ("contract_permanent", "Permanent", "不定期契約"),
    ("contract_fixed_term", "Fixed term", "定期契約"),
    ("contract_temporary", "Temporary", "臨時工作"),
    ("contract_apprenticeship", "Apprenticeship", "學徒"),
    ("contract_internship", "Internship", "實習"),
    ("contract_freelance", "Freelance", "承攬／自由工作"),
    ("time_full_time", "Full time", "全職"),
    ("time_part_time", "Part time", "兼職"),
    ("skip", "Skip to content", "跳到主要內容"),
    ("demo_banner", "Demonstration system: the demo accounts' passwords are public. Do not enter real personal data.", "示範系統：示範帳號的密碼是公開的，請勿輸入真實的個人資料。"),
    ("language", "Language", "語言"),
    ("other_lang", "中文", "English"),
    ("sign_in", "Sign in", "登入"),
    ("sign_out", "Sign out", "登出"),
    ("register", "Create an account", "註冊帳號"),
    ("email", "E-mail", "電子郵件"),
    ("password", "Password", "密碼"),
    ("new_password", "New password", "新密碼"),
    ("password_hint", "At least 10 characters.", "至少 10 個字元。"),
    ("display_name", "Your name", "姓名"),
    ("i_am", "I am", "我是"),
    ("role_seeker", "Job seeker", "求職者"),
    ("role_employer", "Employer", "雇主"),
    ("role_caseworker", "Caseworker", "就業服務員"),
    ("role_analyst", "Analyst", "分析人員"),
    ("role_admin", "Administrator", "系統管理員"),
    ("organisation", "Organisation (employers)", "公司或機構名稱（雇主填寫）"),
    ("forgot", "Forgot your password?", "忘記密碼？"),
    ("reset_title", "Reset your password", "重設密碼"),
    ("reset_send", "Send me a reset link", "寄送重設連結"),
    ("reset_sent", "If the address has an account, a reset link is on its way.", "若此電子郵件有帳號，重設連結已寄出。"),
    ("reset_done", "Your password was changed. Sign in with the new one.", "密碼已變更，請以新密碼登入。"),
    ("reset_token", "Code from the reset link", "重設連結中的代碼"),
    ("register_sent_title", "Check your e-mail", "請查看您的電子郵件"),
    ("register_sent", "We sent a message to the address you gave. To finish creating your account, open the confirmation link in it within 24 hours and enter the password you just chose. If no message arrives, check your spam folder or register again.", "我們已寄送一封信到您填寫的電子郵件地址。請於 24 小時內開啟信中的確認連結，並輸入您剛才設定的密碼，完成帳號註冊。若沒有收到信件，請查看垃圾郵件匣或重新註冊。"),
    ("register_demo_link", "This is a demonstration server and sends no e-mail, so the confirmation link is shown here:", "這是示範系統，不會實際寄出電子郵件，因此直接在此顯示確認連結："),
    ("register_confirm_title", "Confirm your registration", "確認註冊"),
    ("register_confirm_lead", "Create this account and sign in? Enter the password you chose when registering.", "要建立以下帳號並登入嗎？請輸入您註冊時設定的密碼。"),
    ("register_confirm_password", "Password chosen when registering", "註冊時設定的密碼"),
    ("register_confirm_button", "Create my account", "建立帳號"),
    ("register_confirm_not_me", "If you did not ask for this account, ignore the message and close this page: no account is created, and nobody can use it without the password chosen when registering.", "若您沒有申請註冊，請忽略該信件並關閉此頁面，系統不會建立帳號；不知道註冊時設定的密碼，任何人都無法使用此帳號。"),
    ("save", "Save", "儲存"),
    ("home_title", "Find work, find people, plan the next step", "找工作、找人才、規劃下一步"),
    ("home_lead", "A public employment service for job seekers, employers and caseworkers.", "為求職者、雇主與就業服務員提供的公共就業服務。"),
    ("my_profile", "My profile", "我的資料"),
    ("profile", "Profile", "個人資料"),
    ("cv", "Your CV", "履歷"),
    ("cv_hint", "Paste your CV as text. We suggest skills and occupations from it; nothing counts until you confirm it.", "貼上履歷文字，系統會從中建議技能與職業；經您確認後才會採用。"),
    ("read_cv", "Read my CV", "分析履歷"),
    ("suggestions", "Suggestions to confirm", "待確認的建議"),
    ("suggestions_none", "No suggestions waiting.", "目前沒有待確認的建議。"),
    ("confirm_selected", "Confirm the checked ones, drop the rest", "確認勾選項目，其餘捨棄"),
    ("found_in", "found in", "出處"),
    ("skills", "Skills", "技能"),
    ("skills_none", "No skills yet.", "尚無技能。"),
    ("add_skill", "Add a skill", "新增技能"),
    ("add", "Add", "新增"),
    ("remove", "Remove", "移除"),
    ("desired_occupations", "Occupations wanted", "希望從事的職業"),
    ("place", "Where (city or district)", "地點（縣市或鄉鎮市區）"),
    ("consent", "Consent", "同意事項"),
    ("consent_findable", "Employers may find me as a candidate", "允許雇主在人才搜尋中找到我"),
    ("consent_outreach", "The service may contact me with offers and programmes", "允許就業服務機構主動提供職缺與課程資訊"),
    ("matches", "Vacancies that fit", "適合的職缺"),
    ("matches_none", "No matches yet: add skills or confirm suggestions.", "目前沒有適合的職缺：請新增技能或確認建議。"),
    ("score", "Score", "分數"),
    ("why", "Why this score", "分數說明"),
    ("matched", "Matched", "符合"),
    ("missing", "Missing", "尚缺"),
    ("partly", "partly covered by", "部分可由此技能補足"),
    ("audit_mine", "Who saw my data", "誰查看過我的資料"),
    ("audit", "Audit log", "稽核紀錄"),
    ("older_entries", "Older entries", "較早的紀錄"),
    ("when", "When", "時間"),
    ("who", "Who", "人員"),
    ("what", "What", "動作"),
    ("why_col", "Why", "目的"),
    ("search", "Search", "搜尋"),
    ("notes", "Case notes", "個案紀錄"),
    ("add_note", "Add note", "新增紀錄"),
    ("notes_none", "No notes yet.", "尚無紀錄。"),
    ("reachable", "Occupations within reach", "可發展的職業"),
    ("reachable_none", "Add skills to see which occupations they reach.", "新增技能後，即可看到可發展的職業。"),
    ("gaps_to_add", "Skills to add", "可補強的技能"),
    ("course_plan", "Courses that close your gaps", "補足技能缺口的課程"),
    ("courses_none", "No course you can take closes a gap now.", "目前沒有可參加且能補足缺口的課程。"),
    ("add_to_plan", "Add to my plan", "加入行動計畫"),
    ("plan", "Action plan", "行動計畫"),
    ("plan_none", "No steps yet.", "尚無步驟。"),
    ("new_step", "Add a step", "新增步驟"),
    ("step_title", "What to do", "要做的事"),
    ("step_kind", "Kind", "類型"),
    ("due", "Due", "期限"),
    ("overdue", "overdue", "已逾期"),
    ("update", "Update", "更新"),
    ("status", "Status", "狀態"),
    ("account_state", "Account", "帳號狀態"),
    ("account_disabled", "disabled", "已停用"),
    ("disable", "Disable", "停用"),
    ("enable", "Enable", "啟用"),
    ("kind_course", "Course", "課程"),
    ("kind_application", "Application", "應徵"),
    ("kind_counselling", "Counselling", "諮詢會談"),
    ("kind_document", "Document to bring", "應備文件"),
    ("kind_other", "Other", "其他"),
    ("status_planned", "Planned", "已規劃"),
    ("status_in_progress", "In progress", "進行中"),
    ("status_done", "Done", "已完成"),
    ("status_cancelled", "Cancelled", "已取消"),
    ("caseload", "My caseload", "我的個案"),
    ("caseload_none", "No one in your caseload.", "目前沒有個案。"),
    ("filter", "Filter", "篩選"),
    ("name", "Name", "姓名"),
    ("open", "Open", "開啟"),
    ("findable", "Findable", "可被搜尋"),
    ("yes", "yes", "是"),
    ("no", "no", "否"),
    ("pending", "Suggestions waiting", "待確認建議"),
    ("employer_home", "My vacancies", "我的職缺"),
    ("post_vacancy", "Post a vacancy", "刊登職缺"),
    ("post_hint", "Write the vacancy as you would for people; we suggest the occupation and the skills it asks for.", "請以一般文字撰寫職缺內容，系統會建議職業與所需技能。"),
    ("title", "Job title", "職稱"),
    ("description", "Description", "工作內容"),
    ("vacancies_none", "No vacancies yet.", "尚無職缺。"),
    ("requirements", "Requirements", "條件"),
    ("occupation", "Occupation", "職業"),
    ("essential", "Essential", "必要"),
    ("optional", "Optional", "加分"),
    ("candidates", "Candidates (only people who agreed to be found)", "人才（僅列出同意被搜尋者）"),
    ("candidates_caseload", "Candidates from your caseload", "您個案中的合適人選"),
    ("candidates_none", "No candidates yet.", "目前沒有合適人選。"),
    ("contact", "Contact", "聯絡"),
    ("contacted", "Message sent.", "訊息已送出。"),
    ("applied", "Your application was sent.", "已送出應徵。"),
    ("benefits", "Unemployment benefits", "失業給付"),
    ("my_claims", "My claims", "我的申請"),
    ("claims_none", "No claims yet.", "尚無申請紀錄。"),
    ("claim", "Claim", "申請案"),
    ("new_claim", "Apply for a benefit", "申請給付"),
    ("claim_hint", "Leave a field blank when you are not sure: OpenPES asks the insurance and registration records. Where your answer and the records disagree, a caseworker decides.", "不確定的欄位請留空：OpenPES 會查詢保險及求職登記紀錄。若您的填答與紀錄不一致，將由就業服務員審核。"),
    ("file_claim", "Send the claim", "送出申請"),
    ("claim_status_waiting", "Waiting", "等待中"),
    ("claim_status_review", "With a caseworker", "審核中"),
    ("claim_status_decided", "Decided", "已決定"),
    ("decisions", "Decisions and letters", "決定與通知書"),
    ("decision_automated", "Decided automatically", "系統自動決定"),
    ("decision_waiting", "Waiting period", "等待期間"),
    ("decision_referred", "Sent for review", "移送審核"),
    ("decision_caseworker", "Decided by a caseworker", "由就業服務員決定"),
    ("none_value", "none", "無"),
    ("not_sure", "Not sure", "不確定"),
    ("review", "Review", "審核"),
    ("review_hint", "Settle the facts below (the ones the rules still need come first), then decide or save for later.", "請確認下列事實（規則尚需的事實列於前面），再作成決定或先儲存。"),
    ("needed", "still needed", "尚需"),
    ("decide_now", "Decide now", "立即作成決定"),
    ("save_review", "Save the review", "儲存審核"),
    ("review_queue", "Claims to review", "待審核申請"),
    ("review_none", "No claims are waiting for review.", "目前沒有待審核的申請。"),
    ("outcome", "Outcome", "結果"),
    ("filed_on", "Filed on", "申請日期"),
    ("cv_file", "Or upload your CV (PDF, DOCX or text, up to 10 MB)", "或上傳履歷檔案（PDF、DOCX 或純文字，10 MB 以內）"),
    ("upload_cv", "Upload and read", "上傳並分析"),
    ("save_vacancy", "Save for later", "收藏職缺"),
    ("unsave_vacancy", "Remove from saved", "取消收藏"),
    ("saved_vacancies", "Saved vacancies", "收藏的職缺"),
    ("saved_none", "No saved vacancies yet. Save one from its page.", "尚未收藏職缺。可在職缺頁面收藏。"),
    ("applied_mark", "Applied", "已應徵"),
    ("my_applications", "My applications", "我的應徵紀錄"),
    ("applications_none", "No applications yet.", "尚無應徵紀錄。"),
    ("applications", "Applications", "應徵者"),
    ("applicants_none", "Nobody has applied yet.", "目前尚無人應徵。"),
    ("apply", "Apply", "應徵"),
    ("apply_heading", "Apply for this vacancy", "應徵此職缺"),
    ("apply_note", "Message to the employer (optional)", "給雇主的訊息（選填）"),
    ("apply_shares", "Applying shares your profile with this employer.", "應徵後，此雇主可查看您的求職資料。"),
    ("applied_on", "Applied on", "應徵日期"),
    ("withdraw", "Withdraw", "撤回應徵"),
    ("vacancy_closed", "This vacancy no longer takes applications.", "此職缺已不再接受應徵。"),
    ("status_comment", "Comment for the applicant (optional)", "給應徵者的說明（選填）"),
    ("change_status", "Change status", "變更狀態"),
    ("history", "History", "歷程"),
    ("open_vacancy", "Open", "招募中"),
    ("closed_vacancy", "Closed", "已截止"),
    ("deleted_vacancy", "Vacancy removed", "職缺已刪除"),
    ("admin_home", "Administration", "系統管理"),
    ("users", "Users", "使用者"),
    ("create_user", "Create a user", "建立使用者"),
    ("role", "Role", "角色"),
    ("office", "Office", "服務站"),
    ("offices", "Offices", "服務站"),
    ("taxonomy", "Taxonomy", "職能分類"),
    ("concepts", "Concepts", "概念數"),
    ("outbox", "Outbox", "寄件匣"),
    ("to", "To", "收件人"),
    ("subject", "Subject", "主旨"),
    ("analyst_home", "Labour market overview", "勞動市場概況"),
    ("seekers", "Job seekers", "求職者"),
    ("seekers_findable", "of whom findable", "其中可被搜尋"),
    ("open_vacancies", "Open vacancies", "開放中職缺"),
    ("by_region", "Vacancies by region", "各地區職缺數"),
    ("by_group", "Vacancies by occupation group", "各職業類別職缺數"),
    ("suppressed", "fewer than 5", "少於 5"),
    ("small_cells", "Counts below 5 are suppressed to protect privacy.", "為保護隱私，少於 5 的數字不予顯示。"),
    ("count", "Count", "數量"),
    ("error", "Something is wrong", "發生問題"),
    ("back_home", "Back to the start page", "回到首頁"),
    ("saved", "Saved.", "已儲存。"),
    ("ids", "Id", "編號"),
    ("api_docs", "API documentation", "API 文件"),
    ("registration_number", "Business registration number (統一編號, employers)", "統一編號（雇主填寫）"),
    ("employers", "Employers", "雇主"),
    ("verification", "Verification", "審核"),
    ("employer_verified", "Verified", "已核准"),
    ("employer_unverified", "Awaits verification", "待審核"),
    ("approve", "Approve", "核准"),
    ("withdraw_approval", "Withdraw approval", "撤銷核准"),
    ("checksum_ok", "checksum valid (evidence only)", "檢查碼正確（僅供參考）"),
    ("checksum_bad", "checksum INVALID", "檢查碼錯誤"),
    ("no_registration_number", "no number given", "未提供統一編號"),
    ("offers", "Job offers recorded by the service", "就業服務機構記錄的工作機會"),
    ("offers_none", "No job offers recorded.", "沒有工作機會紀錄。"),
    ("offer_counts", "Only confirmed offers count in benefit decisions; an employer's contact is never an offer.", "只有已確認的工作機會會列入給付決定；雇主的聯繫不算工作機會。"),
    ("offer_status_proposed", "proposed", "待確認"),
    ("offer_status_confirmed", "confirmed", "已確認"),
    ("offer_status_declined", "declined", "已婉拒"),
    ("recorded_by", "Recorded by", "記錄者"),
    ("confirmed_by", "Confirmed by", "確認者"),
    ("confirm", "Confirm", "確認"),
    ("decline", "Decline", "婉拒"),
    ("vacancy_or_course", "Vacancy or course", "職缺或課程"),
];

/// The catalogue in one language, for templates.
pub fn words(lang: UiLang) -> BTreeMap<&'static str, &'static str> {
    CATALOG
        .iter()
        .map(|(key, en, zh)| {
            (
                *key,
                match lang {
                    UiLang::En => *en,
                    UiLang::ZhTw => *zh,
                },
            )
        })
        .collect()
}

/// One word.
pub fn word(lang: UiLang, key: &str) -> &'static str {
    CATALOG
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or("", |(_, en, zh)| match lang {
            UiLang::En => en,
            UiLang::ZhTw => zh,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_unique_and_translated() {
        let mut keys: Vec<&str> = CATALOG.iter().map(|(k, _, _)| *k).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "duplicate keys");
        for (key, en, zh) in CATALOG {
            assert!(!en.is_empty() && !zh.is_empty(), "{key} lacks a language");
        }
    }

    #[test]
    fn every_key_a_template_uses_is_defined() {
        let defined = words(UiLang::En);
        for (name, source) in crate::templates::SOURCES {
            let mut rest = *source;
            while let Some(i) = rest.find("t.") {
                let before = rest[..i].chars().last();
                rest = &rest[i + 2..];
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let key: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                assert!(
                    defined.contains_key(key.as_str()),
                    "{name} uses undefined t.{key}"
                );
            }
        }
    }
}
