-- Webhook destinations: segment membership changes pushed to a URL, each call signed with the destination's secret.
create table destination (
    id          uuid        primary key,
    workspace   text        not null,
    name        text        not null,
    url         text        not null,
    -- The signing secret, sealed with the deployment's encryption key (AES-GCM): the gateway must read it to sign.
    secret      bytea       not null,
    created_at  timestamptz not null,
    created_by  text        not null,
    rotated_at  timestamptz,
    unique (workspace, name)
);

-- One follower of a segment's change log per destination and segment: how far it got and when it goes on.
create table destination_delivery (
    destination_id    uuid        not null references destination (id) on delete cascade,
    segment           text        not null,
    -- The sequence number of the last change the receiver acknowledged; 0 before the first.
    delivered_through bigint      not null default 0,
    delivered         bigint      not null default 0,
    last_delivered_at timestamptz,
    failures          integer     not null default 0,
    last_error        text,
    last_error_at     timestamptz,
    next_try_at       timestamptz not null,
    primary key (destination_id, segment)
);

create index destination_delivery_due_idx on destination_delivery (next_try_at);
