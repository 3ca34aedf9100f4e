-- Who has a socket open, per Paddock instance. Each instance rewrites its own rows at
-- every heartbeat; a row not refreshed for 90 seconds belongs to a stopped instance.
create table presence (
    instance_id uuid not null,
    user_id     uuid not null references users (id) on delete cascade,
    seen_at     timestamptz not null default now(),
    primary key (instance_id, user_id)
);
create index presence_user_idx on presence (user_id, seen_at);
