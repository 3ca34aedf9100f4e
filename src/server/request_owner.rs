//! Every request handled under a reactive owner of its own.
//!
//! Leptos' handlers for server functions and for the site's files start from
//! `Owner::new()`, a child of whatever owner the worker thread holds as current, and look
//! their contexts up through it. A page's owner could be the current one of the thread
//! that handled another request (seen in repeated end-to-end runs, 2 or 3 in 60): a file
//! request then found the page's `ResponseOptions` and took its headers (`mem::take` in
//! `leptos_axum`), so the page went out without its content security policy and the
//! file with the page's; server functions found the page's nonce. Here each request's
//! handler is polled with a fresh, empty root owner as the current one, so nothing of
//! another request is in reach.

use axum::{extract::Request, middleware::Next, response::Response};
use leptos::prelude::Owner;
use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

/// Middleware: the rest of the request runs under its own root owner.
pub async fn under_own_owner(request: Request, next: Next) -> Response {
    UnderOwner {
        owner: Owner::new_root(None),
        inner: Box::pin(next.run(request)),
    }
    .await
}

/// Polls `inner` with `owner` as the thread's current owner, restoring the previous one
/// after each poll.
struct UnderOwner<F> {
    owner: Owner,
    inner: Pin<Box<F>>,
}

impl<F: Future> Future for UnderOwner<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        this.owner.with(|| this.inner.as_mut().poll(cx))
    }
}
