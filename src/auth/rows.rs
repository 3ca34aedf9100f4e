//! The accounts table's rows as the server reads them.

use super::{CurrentUser, Role};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct UserRow {
    id: Uuid,
    email: String,
    display_name: String,
    role: String,
}

impl From<UserRow> for CurrentUser {
    fn from(row: UserRow) -> Self {
        CurrentUser {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            // The table's check constraint admits only the two roles.
            role: Role::parse(&row.role).unwrap_or(Role::Customer),
        }
    }
}
