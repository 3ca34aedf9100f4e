-- Commercial notifications sent by advisors to every customer. The id is the SSE event
-- id: increasing, so a reconnecting browser asks for what follows the last one it saw.
create table notifications (
    id      bigint generated always as identity primary key,
    title   text not null check (length(title) between 1 and 120),
    body    text not null check (length(body) between 1 and 1000),
    link    text check (length(link) between 1 and 500),
    sent_by uuid references users (id) on delete set null,
    sent_at timestamptz not null default now()
);

-- Customers who received a notification live, on an open stream, when it was sent.
create table notification_deliveries (
    notification_id bigint not null references notifications (id) on delete cascade,
    user_id         uuid not null references users (id) on delete cascade,
    primary key (notification_id, user_id)
);

create table notification_reads (
    notification_id bigint not null references notifications (id) on delete cascade,
    user_id         uuid not null references users (id) on delete cascade,
    read_at         timestamptz not null default now(),
    primary key (user_id, notification_id)
);
