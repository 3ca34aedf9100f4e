-- Accounts. Emails are stored trimmed and lower-cased by the application, so a plain
-- unique constraint is enough to refuse a second account for the same address.
create table users (
    id            uuid primary key default gen_random_uuid(),
    email         text not null unique check (email = lower(btrim(email)) and length(email) between 3 and 254),
    display_name  text not null check (length(btrim(display_name)) between 2 and 60),
    password_hash text not null,
    role          text not null default 'customer' check (role in ('customer', 'admin')),
    created_at    timestamptz not null default now(),
    last_login_at timestamptz
);

create index users_role_idx on users (role);

-- Session table of tower-sessions-sqlx-store (PostgresStore defaults), owned by the
-- migrations so that the schema has a single source.
create schema if not exists tower_sessions;

create table if not exists tower_sessions.session (
    id          text primary key not null,
    data        bytea not null,
    expiry_date timestamptz not null
);

create index if not exists session_expiry_idx on tower_sessions.session (expiry_date);
