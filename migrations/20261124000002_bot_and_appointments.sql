-- Appointments of the four calendars. `starts_at` is the dealership's local wall time.
create table appointments (
    id           uuid primary key default gen_random_uuid(),
    calendar     text not null check (calendar in ('maintenance', 'road_test', 'off_road_test', 'track')),
    starts_at    timestamp not null,
    customer_id  uuid not null references users (id) on delete cascade,
    created_at   timestamptz not null default now(),
    cancelled_at timestamptz
);

-- One live booking per slot of a calendar: the database settles simultaneous bookings,
-- and calendars never block each other.
create unique index appointments_live_slot_key on appointments (calendar, starts_at) where cancelled_at is null;
create index appointments_customer_idx on appointments (customer_id, starts_at);

-- Each customer's place in the assistant's workflow, so another device resumes it.
create table bot_conversations (
    customer_id uuid primary key references users (id) on delete cascade,
    state       jsonb not null,
    updated_at  timestamptz not null default now()
);

-- The transcript shown on the assistant page.
create table bot_lines (
    id          bigserial primary key,
    customer_id uuid not null references users (id) on delete cascade,
    from_bot    boolean not null,
    body        text not null check (length(body) <= 2000),
    created_at  timestamptz not null default now()
);
create index bot_lines_customer_idx on bot_lines (customer_id, id);
