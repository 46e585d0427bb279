-- The profile an identifier was first attached to: unmerging a profile gives it back what it brought.
alter table identifier add column origin_profile_id uuid;
update identifier set origin_profile_id = profile_id;
alter table identifier alter column origin_profile_id set not null;

-- A merge split by an unmerge keeps its row, marked undone.
alter table merge_history add column undone_at timestamptz;
alter table merge_history add column undo_reason text;

-- Keyed hashes of the identifiers of erased profiles: never collected again. No value, no profile id.
create table erasure_tombstone (
    workspace  text        not null,
    type       text        not null,
    value_hash bytea       not null,
    erased_at  timestamptz not null,
    primary key (workspace, type, value_hash)
);

-- What was erased and why, without anything that identifies the person.
create table erasure (
    id          uuid        primary key,
    workspace   text        not null,
    profile_ids uuid[]      not null,
    identifiers integer     not null,
    reason      text,
    erased_at   timestamptz not null
);
