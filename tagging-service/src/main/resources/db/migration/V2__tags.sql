-- The taxonomy: a tree of categories per workspace.
create table tag_category (
    workspace   text        not null,
    code        text        not null,
    name        text        not null,
    description text        not null default '',
    parent_code text,
    created_at  timestamptz not null default now(),
    primary key (workspace, code),
    foreign key (workspace, parent_code) references tag_category (workspace, code)
);

-- Tag definitions. The spec lives in tag_version; live_version is the one served (null until a publish completes).
create table tag_definition (
    workspace      text        not null,
    code           text        not null,
    name           text        not null,
    description    text        not null default '',
    owner          text        not null,
    category_code  text        not null,
    kind           text        not null,
    value_type     text        not null,
    update_mode    text        not null check (update_mode in ('real_time', 'daily', 'manual')),
    status         text        not null check (status in ('draft', 'published', 'retired')),
    latest_version integer     not null,
    live_version   integer,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    primary key (workspace, code),
    foreign key (workspace, category_code) references tag_category (workspace, code)
);

-- Every spec change is a new version; versions are never changed or deleted.
create table tag_version (
    workspace    text        not null,
    code         text        not null,
    version      integer     not null,
    spec         text        not null,
    -- Percentile tiers: the metric's value at each tier's percentile, from the last full computation.
    cut_points   text,
    created_at   timestamptz not null default now(),
    published_at timestamptz,
    primary key (workspace, code, version),
    foreign key (workspace, code) references tag_definition (workspace, code)
);

-- Tag values per version, so that earlier versions stay queryable after a new one is published.
create table tag_value (
    workspace  text        not null,
    code       text        not null,
    version    integer     not null,
    profile_id text        not null,
    value      text        not null,
    reason     text        not null,
    updated_at timestamptz not null default now(),
    primary key (workspace, code, version, profile_id)
);
create index tag_value_profile on tag_value (workspace, profile_id);

-- Full recomputations of one tag version over every profile, with progress.
create table recompute_job (
    job_id      text        primary key,
    workspace   text        not null,
    code        text        not null,
    version     integer     not null,
    state       text        not null check (state in ('running', 'completed', 'failed')),
    total       bigint      not null default 0,
    done        bigint      not null default 0,
    started_at  timestamptz not null default now(),
    finished_at timestamptz,
    error       text
);
create index recompute_job_tag on recompute_job (workspace, code, version);

-- Golden-record traits per profile as the events told them (later events overwrite earlier keys).
create table profile_trait (
    workspace  text        not null,
    profile_id text        not null,
    traits     text        not null,
    updated_at timestamptz not null default now(),
    primary key (workspace, profile_id)
);

-- Events kept for windowed tags (names, times and properties), pruned past the retention.
create table profile_event (
    workspace   text        not null,
    profile_id  text        not null,
    event_id    text        not null,
    name        text        not null,
    occurred_at timestamptz not null,
    properties  text        not null,
    primary key (workspace, profile_id, event_id)
);
create index profile_event_time on profile_event (workspace, occurred_at);
