-- The public catalogue: the range of motorcycles and the group's dealerships.

-- One row per model. `usage` is the riding the model is made for, and so the test ride
-- the assistant books for it: road → road test, off_road → off-road test, sport → track.
-- A hidden model leaves every public page and the sitemap; advisors still see it.
create table models (
    id          uuid primary key default gen_random_uuid(),
    slug        text not null unique
                check (length(slug) between 2 and 60 and slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name        text not null check (length(name) between 2 and 60),
    usage       text not null check (usage in ('road', 'off_road', 'sport')),
    engine_cc   integer not null check (engine_cc between 50 and 2500),
    power_kw    integer not null check (power_kw between 1 and 250),
    weight_kg   integer not null check (weight_kg between 50 and 500),
    licence     text not null check (licence in ('A', 'A2')),
    price_cents bigint not null check (price_cents between 100000 and 10000000),
    summary     text not null check (length(summary) between 20 and 300),
    image       text not null check (length(image) between 1 and 120),
    hidden      boolean not null default false,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    -- The A2 licence allows at most 35 kW.
    check (licence = 'A' or power_kw <= 35)
);
create index models_visible_idx on models (usage, price_cents) where not hidden;

-- The dealerships. Their hours are those of the appointment calendars (Leptos.toml,
-- [paddock.booking]): a test ride or a service is booked when the dealership is open.
create table dealerships (
    id          uuid primary key default gen_random_uuid(),
    slug        text not null unique
                check (length(slug) between 2 and 60 and slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name        text not null check (length(name) between 2 and 80),
    street      text not null check (length(street) between 2 and 120),
    postal_code text not null check (postal_code ~ '^[0-9]{5}$'),
    city        text not null check (length(city) between 2 and 60),
    phone       text not null check (length(phone) between 6 and 30),
    opens_at    time not null,
    closes_at   time not null,
    closed_days text[] not null default '{sun}'
                check (closed_days <@ array['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']),
    updated_at  timestamptz not null default now(),
    check (opens_at < closes_at)
);
