-- The identity graph: profiles, the identifiers that resolve to them, the merges between them and the
-- events already counted. Every row belongs to a workspace; every uniqueness rule includes it.

create table profile (
    id          uuid        primary key,
    workspace   text        not null,
    created_at  timestamptz not null,
    -- Set when merged away. Always names a live survivor (older merges are re-pointed), so one hop suffices.
    merged_into uuid        references profile (id),
    merged_at   timestamptz,
    first_seen  timestamptz,
    last_seen   timestamptz,
    event_count bigint      not null default 0,
    channels    text[]      not null default '{}',
    constraint profile_merge_complete check ((merged_into is null) = (merged_at is null)),
    constraint profile_not_merged_into_itself check (merged_into <> id)
);

create index profile_merged_into_idx on profile (workspace, merged_into) where merged_into is not null;

-- Matching uses the keyed hash; the value itself is kept only as AES-GCM ciphertext for display.
create table identifier (
    id             bigint      generated always as identity primary key,
    workspace      text        not null,
    type           text        not null,
    value_hash     bytea       not null,
    value_enc      bytea       not null,
    profile_id     uuid        not null references profile (id),
    created_at     timestamptz not null,
    first_event_id text        not null,
    -- The constraint that makes concurrent resolvers agree: one owner per identifier.
    constraint identifier_unique unique (workspace, type, value_hash)
);

create index identifier_profile_idx on identifier (workspace, profile_id);

create table merge_history (
    id             uuid        primary key,
    workspace      text        not null,
    survivor_id    uuid        not null references profile (id),
    merged_ids     uuid[]      not null,
    cause_event_id text        not null,
    merged_at      timestamptz not null
);

create index merge_history_cause_idx on merge_history (workspace, cause_event_id);
create index merge_history_survivor_idx on merge_history (workspace, survivor_id);

-- Idempotency: an event is counted once; a repeat answers with the profile it belongs to now.
create table resolved_event (
    workspace   text        not null,
    event_id    text        not null,
    profile_id  uuid        not null references profile (id),
    new_profile boolean     not null,
    resolved_at timestamptz not null,
    primary key (workspace, event_id)
);
