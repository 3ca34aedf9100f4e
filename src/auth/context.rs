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
