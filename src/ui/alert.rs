use crate::error::AppError;
use leptos::prelude::*;

/// A refusal or failure shown to the user: its French message, announced at once; the
/// stable code rides along for tests and styles.
#[component]
pub fn ErrorAlert(error: AppError) -> impl IntoView {
    view! {
        <p class="form-error" role="alert" data-code=format!("{:?}", error.code)>
            {error.message}
        </p>
    }
}
