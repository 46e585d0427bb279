-- Segments: a rule over tags and traits, its current members and the log of who entered and left.
create table segment (
    workspace    text        not null,
    code         text        not null,
    name         text        not null,
    description  text        not null default '',
    rule         text        not null,
    members      bigint      not null default 0,
    created_at   timestamptz not null default now(),
    refreshed_at timestamptz,
    primary key (workspace, code)
);

create table segment_member (
    workspace  text        not null,
    code       text        not null,
    profile_id text        not null,
    since      timestamptz not null default now(),
    primary key (workspace, code, profile_id)
);
create index segment_member_profile on segment_member (workspace, profile_id);

create table segment_change (
    sequence   bigserial   primary key,
    workspace  text        not null,
    code       text        not null,
    profile_id text        not null,
    change     text        not null check (change in ('entered', 'left')),
    at         timestamptz not null default now()
);
create index segment_change_segment on segment_change (workspace, code, sequence);
