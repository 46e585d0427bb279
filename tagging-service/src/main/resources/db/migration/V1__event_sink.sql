-- Event ids already applied, so that at-least-once delivery counts every event once.
create table applied_event (
    workspace  text        not null,
    event_id   text        not null,
    applied_at timestamptz not null default now(),
    primary key (workspace, event_id)
);

-- Merge ids already applied, so that a redelivered merge is a no-op.
create table applied_merge (
    workspace   text        not null,
    merge_id    text        not null,
    survivor_id text        not null,
    applied_at  timestamptz not null default now(),
    primary key (workspace, merge_id)
);

-- Profiles merged away, so that late events for them land on the survivor. Always one hop: a merge
-- re-points the aliases of the profiles it absorbs.
create table profile_alias (
    workspace   text not null,
    merged_id   text not null,
    survivor_id text not null,
    primary key (workspace, merged_id)
);
create index profile_alias_survivor on profile_alias (workspace, survivor_id);

-- Behaviour counters per profile and event name (track) or type (identify, page, screen, alias).
create table event_counter (
    workspace   text        not null,
    profile_id  text        not null,
    name        text        not null,
    event_count bigint      not null check (event_count > 0),
    first_at    timestamptz not null,
    last_at     timestamptz not null,
    primary key (workspace, profile_id, name),
    check (first_at <= last_at)
);
