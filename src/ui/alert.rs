use crate::error::{AppError, ErrorCode};
use leptos::prelude::*;

/// A refusal or failure shown to the user: its French message, announced at once; the
/// stable code rides along for tests and styles. An expired session offers the way back.
#[component]
pub fn ErrorAlert(
    error: AppError,
    /// Focused when the page opens (an error the page was reopened with).
    #[prop(optional)]
    focus: bool,
) -> impl IntoView {
    let relogin = (error.code == ErrorCode::SessionExpired).then(|| {
        view! { " " <a href="/connexion?expiree=1">"Se reconnecter"</a> }
    });
    view! {
        <p
            class="form-error"
            role="alert"
            data-code=format!("{:?}", error.code)
            tabindex=focus.then_some("-1")
            autofocus=focus
        >
            {error.message}
            {relogin}
        </p>
    }
}
