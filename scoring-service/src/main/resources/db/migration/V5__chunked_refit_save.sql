-- A refit saves its scores in chunks, each a short transaction under the shared workspace lock, so that merges,
-- erasures and event batches wait for a chunk, not for the whole write. A version is served only once complete:
-- until then readers keep answering the previous complete one. A version whose save died stays incomplete (never
-- served; its number is not reused) and its scores go with the next save that completes. Versions stored before
-- were saved in one transaction: they are complete.
alter table model_fit add column complete boolean not null default true;
alter table model_fit alter column complete set default false;

-- Scores per version: the version being saved is written next to the complete one being served, which the save
-- drops once its own is complete. Readers take the row of the workspace's latest complete version.
alter table profile_score drop constraint profile_score_pkey;
alter table profile_score add primary key (workspace, profile_id, version);
-- The push reads a version's scores in profile order; the save drops the versions it superseded.
create index profile_score_version on profile_score (workspace, version, profile_id);
