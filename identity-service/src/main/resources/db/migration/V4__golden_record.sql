-- Every trait value an event brought, with its provenance: the golden record is chosen from these at read
-- time by the configured survivorship rule. One row per event and trait, so merges and unmerges move rows whole.
create table trait_observation (
    workspace   text        not null,
    event_id    text        not null,
    trait       text        not null,
    profile_id  uuid        not null references profile (id),
    value       text        not null,
    source      text        not null,
    observed_at timestamptz not null,
    primary key (workspace, event_id, trait)
);

create index trait_observation_profile_idx on trait_observation (workspace, profile_id);
