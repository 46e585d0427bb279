-- Segment conditions on traits read them as jsonb; parsing the stored text once per write, not once per profile
-- per count, keeps a count over a million profiles within a second.
alter table profile_trait add column traits_json jsonb generated always as (cast(traits as jsonb)) stored;
-- A condition on a tag's value reads the range of that value, not every value of the tag.
create index tag_value_value on tag_value (workspace, code, version, value) include (profile_id);
-- Values are skewed per tag (one value of one tag may be 10 % of the profiles and rare among all values): without
-- statistics on the pair, the planner underestimates such a range by 50x and loops over it with index lookups.
create statistics tag_value_code_value (mcv) on code, value from tag_value;
