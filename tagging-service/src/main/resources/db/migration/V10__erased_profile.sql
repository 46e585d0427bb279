-- Profiles erased here (and the ids merged into them when they were), so that what is still delivered for them
-- afterwards (events an outbox held, a merge a relay had in flight, an assignment) is not written again: an erased
-- id never comes back. Kept by the erasure under the exclusive workspace lock; the pseudonymous id alone.
create table erased_profile (
    workspace  text        not null,
    profile_id text        not null,
    erased_at  timestamptz not null default now(),
    primary key (workspace, profile_id)
);
