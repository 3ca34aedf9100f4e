-- Who is logged in on each session, and since when: the absolute lifetime of a session
-- counts from `logged_in_at`, and ending every session of an account (promotion,
-- password reset) finds them by `user_id`. The row goes with its session (logout,
-- expiry, new login) and with its account.
create table user_sessions (
    session_id   text primary key references tower_sessions.session (id) on delete cascade,
    user_id      uuid not null references users (id) on delete cascade,
    logged_in_at timestamptz not null default now()
);

create index user_sessions_user_idx on user_sessions (user_id);

-- Sessions opened before have no login time: their users log in once more.
delete from tower_sessions.session;
