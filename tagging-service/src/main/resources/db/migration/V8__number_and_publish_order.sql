-- The number a number tag's stored text names, as the engine reads it (TagValue.parse, the same grammar): plain
-- decimal with at most 308 digits before the point (as the engine writes a double, never out of range); null
-- otherwise. Segments and insight read number tags through it, so text stored before number tags refused it
-- ("2 pcs") matches no comparison and no count fails on it. A SQL function, so the planner inlines it.
create function portrait_number(v text) returns double precision language sql immutable strict parallel safe as $$
    select case when v ~ '^-?[0-9]+(\.[0-9]+)?$' and length(ltrim(split_part(v, '.', 1), '-')) <= 308
                then cast(v as double precision) end
$$;

-- The order jobs were queued in: of the publishes of one tag, the last is the version served, whichever of their
-- jobs completes last (publishing an earlier version rolls back to it).
alter table recompute_job add column queued bigint generated always as identity;
