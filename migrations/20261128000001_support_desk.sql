-- The advisor desk: requests that expire, satisfaction ratings, transcript search.

-- A pending request no advisor took in time expires (the customer may ask again).
alter table support_requests drop constraint support_requests_status_check;
alter table support_requests add constraint support_requests_status_check
    check (status in ('pending', 'accepted', 'refused', 'cancelled', 'expired'));
-- Fixed when the request is made, so that changing the setting affects new requests only.
alter table support_requests add column expires_at timestamptz;
update support_requests set expires_at = created_at + interval '30 minutes';
alter table support_requests alter column expires_at set not null;
-- Paddock always sets it from its setting; rows written by hand get the default setting.
alter table support_requests alter column expires_at set default now() + interval '30 minutes';
create index support_requests_expiry_idx on support_requests (expires_at) where status = 'pending';

-- The customer's rating of an ended conversation: once, 1 to 5, with an optional comment.
alter table support_requests
    add column rating smallint check (rating between 1 and 5),
    add column rating_comment text check (length(rating_comment) between 1 and 500),
    add column rated_at timestamptz,
    add constraint support_requests_rated_together check ((rating is null) = (rated_at is null));
create index support_requests_rated_idx on support_requests (advisor_id) where rating is not null;

-- Canned responses the advisors share: typing « / » in a conversation lists them.
create table canned_responses (
    id         uuid primary key default gen_random_uuid(),
    title      text not null check (length(title) between 1 and 60),
    body       text not null check (length(body) between 1 and 2000),
    updated_by uuid references users (id) on delete set null,
    updated_at timestamptz not null default now()
);
create unique index canned_responses_title_key on canned_responses (lower(title));
