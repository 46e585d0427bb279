-- Every profile tagging knows (one with traits, activity or a tag value), kept by triggers on the three tables
-- whatever writes them (delivery, merges, erasure, assignments, recomputes). A segment's negation is then the
-- complement within one index (all profiles minus the positive matches) instead of the union of three tables,
-- and the number of profiles is one index-only count.
create table known_profile (
    workspace  text not null,
    profile_id text not null,
    primary key (workspace, profile_id)
);

insert into known_profile (workspace, profile_id)
select workspace, profile_id from event_counter
union select workspace, profile_id from profile_trait
union select workspace, profile_id from tag_value;

-- Ordered, so that concurrent statements adding the same new profiles take their locks in one order.
create function known_profile_added() returns trigger language plpgsql as $$
begin
    insert into known_profile (workspace, profile_id)
    select distinct workspace, profile_id from added order by workspace, profile_id
    on conflict do nothing;
    return null;
end
$$;

-- A profile stays known while any of the three tables still holds a row of it.
create function known_profile_removed() returns trigger language plpgsql as $$
begin
    delete from known_profile k
    using (select distinct workspace, profile_id from removed) r
    where k.workspace = r.workspace and k.profile_id = r.profile_id
      and not exists (select 1 from event_counter e where e.workspace = r.workspace and e.profile_id = r.profile_id)
      and not exists (select 1 from profile_trait t where t.workspace = r.workspace and t.profile_id = r.profile_id)
      and not exists (select 1 from tag_value v where v.workspace = r.workspace and v.profile_id = r.profile_id);
    return null;
end
$$;

create trigger event_counter_known_added after insert on event_counter
    referencing new table as added for each statement execute function known_profile_added();
create trigger event_counter_known_removed after delete on event_counter
    referencing old table as removed for each statement execute function known_profile_removed();
create trigger profile_trait_known_added after insert on profile_trait
    referencing new table as added for each statement execute function known_profile_added();
create trigger profile_trait_known_removed after delete on profile_trait
    referencing old table as removed for each statement execute function known_profile_removed();
create trigger tag_value_known_added after insert on tag_value
    referencing new table as added for each statement execute function known_profile_added();
create trigger tag_value_known_removed after delete on tag_value
    referencing old table as removed for each statement execute function known_profile_removed();
