-- The newest scoring model version pushed of each model tag. A push of an older version (a call in flight when its
-- refit's lease ran out, a slow refit overtaken by a newer one) lands after the newer version's and is refused,
-- rather than overwrite newer scores with older ones. Versions are scoring's numbers (v3 is 3), ordered as numbers.
create table model_tag_version (
    workspace     text        not null,
    code          text        not null,
    model_version bigint      not null,
    updated_at    timestamptz not null default now(),
    primary key (workspace, code)
);
