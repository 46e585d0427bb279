-- Probabilistic matching for events that share no identifier with any profile: each live profile's golden-record
-- person traits (name, birth date, address, ...) are indexed under the linkage engine's blocking keys, refreshed
-- whenever the golden record changes. Deleted with the profile (erasure).
create table person_block (
    workspace  text not null,
    block_key  text not null,
    profile_id uuid not null references profile (id) on delete cascade,
    primary key (workspace, profile_id, block_key)
);

create index person_block_key_idx on person_block (workspace, block_key);

-- Why two profiles were joined: 'identifiers' (an event carried both), 'probabilistic' (traits scored above the
-- upper threshold) or 'review' (an operator accepted a proposed pair); score for the last two.
alter table merge_history add column reason text not null default 'identifiers';
alter table merge_history add column score double precision;

-- Pairs scored between the thresholds, for an operator to accept (merge) or reject. A pair is proposed once: a
-- rejected one stays recorded and is never proposed again. Only ids, the score and agreement levels: no PII.
create table match_review (
    seq            bigint           generated always as identity,
    id             uuid             primary key,
    workspace      text             not null,
    -- The profile the event created, and the existing profile it resembles.
    profile_id     uuid             not null,
    candidate_id   uuid             not null,
    score          double precision not null,
    -- Per compared field: agree, close, disagree or missing.
    agreement      jsonb            not null,
    cause_event_id text             not null,
    status         text             not null default 'pending',
    created_at     timestamptz      not null,
    decided_at     timestamptz,
    decided_by     text,
    merge_id       uuid,
    constraint match_review_status check (status in ('pending', 'accepted', 'rejected')),
    constraint match_review_pair unique (workspace, profile_id, candidate_id)
);

create index match_review_queue_idx on match_review (workspace, status, seq);
create index match_review_seq_idx on match_review (workspace, seq);
