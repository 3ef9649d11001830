//! The page templates (minijinja, HTML auto-escaped), compiled into the binary.

use minijinja::Environment;
use std::sync::OnceLock;

/// Every template, by name.
pub const SOURCES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("register.html", include_str!("../templates/register.html")),
    ("reset.html", include_str!("../templates/reset.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("seeker.html", include_str!("../templates/seeker.html")),
    ("audit.html", include_str!("../templates/audit.html")),
    ("employer.html", include_str!("../templates/employer.html")),
    ("vacancy.html", include_str!("../templates/vacancy.html")),
    ("caseload.html", include_str!("../templates/caseload.html")),
    ("admin.html", include_str!("../templates/admin.html")),
    ("analyst.html", include_str!("../templates/analyst.html")),
    ("benefits.html", include_str!("../templates/benefits.html")),
    ("claim.html", include_str!("../templates/claim.html")),
    ("review.html", include_str!("../templates/review.html")),
];

/// The environment with every template loaded (built once; a template that does not parse is
/// reported when a page using it renders, and by this module's test).
pub fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in SOURCES {
            if let Err(e) = env.add_template(name, source) {
                tracing::error!(template = name, error = %e, "template does not parse");
            }
        }
        env
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        let mut env = Environment::new();
        for (name, source) in SOURCES {
            assert!(
                env.add_template(name, source).is_ok(),
                "{name} does not parse"
            );
        }
    }
}
