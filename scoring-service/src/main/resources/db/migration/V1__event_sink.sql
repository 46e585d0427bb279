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

-- One row per order and profile: the same order delivered twice, or held by two merged profiles, counts once.
create table purchase_order (
    workspace    text        not null,
    profile_id   text        not null,
    order_id     text        not null,
    event_id     text        not null,
    occurred_at  timestamptz not null,
    -- UTC calendar day of occurred_at, for counting distinct purchase days.
    purchase_day date        not null,
    currency     text        not null check (currency ~ '^[A-Z]{3}$'),
    -- Exact revenue; null when the event carried no usable amount.
    amount       numeric,
    primary key (workspace, profile_id, order_id)
);
