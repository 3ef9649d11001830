//! A job seeker's action plan: steps (a course, an application, a counselling appointment, a
//! document to bring), each with a status and a due date. Storage, history and who may edit
//! belong to the store and the server; this module defines the step and checks it.

use chrono::NaiveDate;
use openpes_matching::model::{InvalidRecord, Problems};
use serde::{Deserialize, Serialize};

/// What a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Take a course (`reference`: the course id).
    Course,
    /// Apply for a vacancy (`reference`: the vacancy id).
    Application,
    /// Meet a counsellor or caseworker.
    Counselling,
    /// Bring or obtain a document.
    Document,
    Other,
}

/// Where a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    #[default]
    Planned,
    InProgress,
    Done,
    Cancelled,
}

/// One step of an action plan, as written by the seeker or their caseworker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionStep {
    pub kind: StepKind,
    pub title: String,
    /// The course or vacancy the step is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default)]
    pub status: StepStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Longest note on a step, in characters.
pub const MAX_NOTE_CHARS: usize = 2_000;

impl ActionStep {
    /// Checks every field; all problems are reported, each with its field.
    pub fn validate(&self) -> Result<(), InvalidRecord> {
        let mut p = Problems::default();
        if self.title.trim().is_empty() || self.title.chars().count() > 300 {
            p.add("title", "must be 1 to 300 characters");
        }
        match (&self.reference, self.kind) {
            (Some(r), _) => p.id("reference", r),
            (None, StepKind::Course | StepKind::Application) => p.add(
                "reference",
                "a course or application step names its course or vacancy",
            ),
            (None, _) => {}
        }
        if self
            .note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
        {
            p.add(
                "note",
                format!("must be at most {MAX_NOTE_CHARS} characters"),
            );
        }
        p.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_course_step_needs_its_course() {
        let step = ActionStep {
            kind: StepKind::Course,
            title: "Forklift licence".into(),
            reference: None,
            status: StepStatus::Planned,
            due: None,
            note: None,
        };
        let err = step.validate().err().map(|e| e.0).unwrap_or_default();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].field, "reference");
        let ok = ActionStep {
            reference: Some("course-1".into()),
            ..step
        };
        assert!(ok.validate().is_ok());
    }

    #[test]
    fn every_bad_field_is_named() {
        let step = ActionStep {
            kind: StepKind::Document,
            title: " ".into(),
            reference: Some("bad id!".into()),
            status: StepStatus::Done,
            due: None,
            note: Some("x".repeat(MAX_NOTE_CHARS + 1)),
        };
        let fields: Vec<String> = step
            .validate()
            .err()
            .map(|e| e.0.into_iter().map(|f| f.field).collect())
            .unwrap_or_default();
        assert_eq!(fields, ["title", "reference", "note"]);
    }
}
