-- Changes of the graph made outside Resolve (an accepted review's merge, an unmerge), in the order they were
-- committed: ingestion reads them after its checkpoint and has the services keyed by profile apply them.
-- Writers insert under one transaction-level advisory lock (GraphChangeRepository), so seq order is commit order
-- and a reader that moved past a seq never misses a change committed later with a smaller one.
create table graph_change (
    seq         bigserial   primary key,
    workspace   text        not null,
    kind        text        not null,
    merge_id    uuid        not null,
    survivor_id uuid        not null,
    -- merge: the profiles folded into the survivor. unmerge: every profile of the survivor's group before the
    -- split, the survivor included.
    profile_ids uuid[]      not null,
    -- unmerge only, one per profile_ids entry: the profile it belongs to after the split.
    owner_ids   uuid[],
    at          timestamptz not null,
    constraint graph_change_kind check (kind in ('merge', 'unmerge')),
    constraint graph_change_owners check ((kind = 'unmerge') = (owner_ids is not null))
);

create index graph_change_workspace_idx on graph_change (workspace, seq);
