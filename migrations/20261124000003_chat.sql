-- Conversations: admin-managed rooms and one-to-one direct conversations share one
-- channel table, so that sequence numbers, membership and messages work the same.
create table channels (
    id         uuid primary key default gen_random_uuid(),
    kind       text not null check (kind in ('room', 'direct')),
    -- The sequence of the last message; each post takes the next number under a row lock.
    last_seq   bigint not null default 0,
    created_at timestamptz not null default now()
);

create table rooms (
    id         uuid primary key references channels (id) on delete cascade,
    name       text not null check (length(name) between 3 and 60),
    capacity   integer not null check (capacity between 2 and 500),
    created_by uuid references users (id) on delete set null,
    created_at timestamptz not null default now(),
    deleted_at timestamptz
);
-- Names are unique among rooms that are not deleted, whatever their case.
create unique index rooms_live_name_key on rooms (lower(name)) where deleted_at is null;

create table direct_conversations (
    id        uuid primary key references channels (id) on delete cascade,
    user_low  uuid not null references users (id) on delete cascade,
    user_high uuid not null references users (id) on delete cascade,
    check (user_low < user_high),
    unique (user_low, user_high)
);

create table channel_members (
    channel_id    uuid not null references channels (id) on delete cascade,
    user_id       uuid not null references users (id) on delete cascade,
    joined_at     timestamptz not null default now(),
    last_read_seq bigint not null default 0,
    primary key (channel_id, user_id)
);
create index channel_members_user_idx on channel_members (user_id);

create table messages (
    channel_id uuid not null references channels (id) on delete cascade,
    seq        bigint not null,
    author_id  uuid not null references users (id) on delete cascade,
    -- The sender's own id for the message: a retry with the same id is not stored twice.
    client_id  uuid not null,
    body       text not null check (length(body) between 1 and 2000),
    created_at timestamptz not null default now(),
    primary key (channel_id, seq),
    unique (channel_id, author_id, client_id)
);
