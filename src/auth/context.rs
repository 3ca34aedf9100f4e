//! Who is logged in, for every page, and the actions that change it.

use super::{
    api::{fetch_current_user, Login, Logout, Register},
    CurrentUser,
};
use crate::error::AppError;
use leptos::prelude::*;

/// Provided once by the application root.
#[derive(Clone, Copy)]
pub struct AuthContext {
    pub login: ServerAction<Login>,
    pub register: ServerAction<Register>,
    pub logout: ServerAction<Logout>,
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
}

pub fn use_auth() -> AuthContext {
    expect_context::<AuthContext>()
}

impl AuthContext {
    pub fn provide() {
        let login = ServerAction::<Login>::new();
        let register = ServerAction::<Register>::new();
        let logout = ServerAction::<Logout>::new();
        // Reload the user whenever one of the actions completes.
        let user = Resource::new(
            move || {
                (
                    login.version().get(),
                    register.version().get(),
                    logout.version().get(),
                )
            },
            |_| fetch_current_user(),
        );
        provide_context(Self {
            login,
            register,
            logout,
            user,
        });
    }
}

/// What a page does when the server ends its session under it (a socket closed with
/// 1008, a notification stream refused): on a member or admin page, it opens the login
/// page with the « session expirée » notice, to come back to this page after login. Not
/// when this tab is logging out itself (it is already on its way home).
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub struct SessionEndWatch {
    auth: Option<AuthContext>,
    logouts: usize,
}

impl SessionEndWatch {
    /// Taken by a component when it opens its connection.
    pub fn new() -> Self {
        let auth = use_context::<AuthContext>();
        let logouts = auth.map_or(0, |auth| auth.logout.version().get_untracked());
        Self { auth, logouts }
    }

    #[cfg(feature = "hydrate")]
    pub fn session_ended(&self) {
        if let Some(auth) = self.auth {
            if auth.logout.pending().get_untracked()
                || auth.logout.version().get_untracked() != self.logouts
            {
                return;
            }
        }
        let Some(location) = web_sys::window().map(|w| w.location()) else {
            return;
        };
        let path = location.pathname().unwrap_or_default();
        if super::Area::of_path(&path) == super::Area::Public {
            return;
        }
        let search = location.search().unwrap_or_default();
        let _ = location.set_href(&super::login_path(&format!("{path}{search}"), true));
    }
}

impl Default for SessionEndWatch {
    fn default() -> Self {
        Self::new()
    }
}
