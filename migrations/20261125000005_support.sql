-- Live chat with a sales advisor: advisor availability, the queue of requests and the
-- conversations they open. A conversation is a channel of kind 'support', so messages,
-- sequences and resume work exactly as in rooms.
alter table channels drop constraint channels_kind_check;
alter table channels add constraint channels_kind_check check (kind in ('room', 'direct', 'support'));

create table advisor_status (
    user_id       uuid primary key references users (id) on delete cascade,
    available     boolean not null default false,
    -- Set while an available advisor has no open socket anywhere; after the grace period
    -- (30 seconds) the advisor is marked unavailable.
    offline_since timestamptz,
    changed_at    timestamptz not null default now()
);

create table support_requests (
    id           uuid primary key default gen_random_uuid(),
    customer_id  uuid not null references users (id) on delete cascade,
    topic        text check (length(topic) between 1 and 120),
    status       text not null default 'pending'
                 check (status in ('pending', 'accepted', 'refused', 'cancelled')),
    created_at   timestamptz not null default now(),
    decided_at   timestamptz,
    advisor_id   uuid references users (id) on delete set null,
    reason       text check (length(reason) between 1 and 300),
    channel_id   uuid unique references channels (id) on delete set null,
    ended_at     timestamptz
);
-- One pending request per customer; the queue is read oldest first.
create unique index support_requests_one_pending on support_requests (customer_id) where status = 'pending';
create index support_requests_queue_idx on support_requests (created_at) where status = 'pending';
create index support_requests_customer_idx on support_requests (customer_id, created_at desc);
