-- Erasure requests and their receipt: one step per service, retried until every step is done.
create table erasure (
    id            uuid        primary key,
    workspace     text        not null,
    profile_id    text        not null,
    requested_by  text        not null,
    requested_at  timestamptz not null,
    -- The profile and every id merged into it, as identity answered; null until identity has erased.
    erased_ids    text[],
    steps         jsonb       not null,
    completed_at  timestamptz,
    next_try_at   timestamptz not null
);

create index erasure_pending_idx on erasure (next_try_at) where completed_at is null;
create index erasure_profile_idx on erasure (workspace, profile_id);
