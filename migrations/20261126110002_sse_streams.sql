-- Notification streams (SSE) open on any Paddock instance, one row each, so that a
-- customer's streams are capped across instances. An instance inserts a row when a
-- stream opens, deletes it when the stream ends, and refreshes its rows at every
-- heartbeat; a row not refreshed for 90 seconds (a stopped instance) no longer counts.
create table sse_streams (
    id          uuid primary key,
    instance_id uuid not null,
    user_id     uuid not null references users (id) on delete cascade,
    seen_at     timestamptz not null default now()
);
create index sse_streams_user_idx on sse_streams (user_id, seen_at);
