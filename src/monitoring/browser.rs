//! The browser's error reporter: a panic hook and listeners of uncaught errors and
//! unhandled rejections, each posting a [`ClientErrorReport`] to the server with
//! `gloo-net` (at most [`MAX_REPORTS_PER_PAGE`] per page).

use super::{ClientErrorKind, ClientErrorReport, MAX_REPORTS_PER_PAGE, REPORT_PATH};
use std::{
    cell::Cell,
    future::Future,
    task::{Context, Waker},
};
use wasm_bindgen::{prelude::Closure, JsCast, JsValue};

thread_local! {
    static SENT: Cell<u32> = const { Cell::new(0) };
    /// After a panic the module is dead: the errors it throws next are its echo.
    static PANICKED: Cell<bool> = const { Cell::new(false) };
}

/// Installs the panic hook (which keeps logging to the console) and the listeners.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let first_panic = !PANICKED.with(|p| p.replace(true));
        if first_panic {
            let stack = error_stack(&js_sys::Error::new("").into());
            report(ClientErrorKind::Panic, info.to_string(), stack, None);
        }
    }));
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_error = Closure::<dyn Fn(web_sys::ErrorEvent)>::new(|event: web_sys::ErrorEvent| {
        let stack = error_stack(&event.error());
        let source = (!event.filename().is_empty())
            .then(|| format!("{}:{}:{}", event.filename(), event.lineno(), event.colno()));
        report(ClientErrorKind::Error, event.message(), stack, source);
    });
    let on_rejection = Closure::<dyn Fn(web_sys::PromiseRejectionEvent)>::new(
        |event: web_sys::PromiseRejectionEvent| {
            let reason = event.reason();
            let message = reason
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .or_else(|| reason.as_string())
                .unwrap_or_else(|| "Promesse rejetée sans raison lisible".to_owned());
            report(
                ClientErrorKind::UnhandledRejection,
                message,
                error_stack(&reason),
                None,
            );
        },
    );
    let _ = window.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
    let _ = window.add_event_listener_with_callback(
        "unhandledrejection",
        on_rejection.as_ref().unchecked_ref(),
    );
    // Listening for the page's whole life.
    on_error.forget();
    on_rejection.forget();
}

fn error_stack(error: &JsValue) -> Option<String> {
    error
        .dyn_ref::<js_sys::Error>()
        .and_then(|e| js_sys::Reflect::get(e, &JsValue::from_str("stack")).ok())
        .and_then(|stack| stack.as_string())
}

fn report(kind: ClientErrorKind, message: String, stack: Option<String>, source: Option<String>) {
    if kind != ClientErrorKind::Panic && PANICKED.with(Cell::get) {
        return;
    }
    if SENT.with(|sent| sent.replace(sent.get() + 1)) >= MAX_REPORTS_PER_PAGE {
        return;
    }
    let page = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    let report = ClientErrorReport {
        kind,
        message,
        stack,
        source,
        page,
    }
    .bounded();
    send(&report);
}

/// Starts the request at once, without the async executor: after a panic it may never
/// run again. The first poll calls `fetch`; the browser finishes the request on its own.
fn send(report: &ClientErrorReport) {
    let Ok(request) = gloo_net::http::Request::post(REPORT_PATH).json(report) else {
        return;
    };
    let mut sending = Box::pin(request.send());
    if sending
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
        .is_pending()
    {
        // Dropping the future would drop the callbacks the response will call.
        std::mem::forget(sending);
    }
}
