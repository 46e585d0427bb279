-- Profiles a fitted version could not predict (scored without CLV), so a run says how many instead of leaving them
-- to be noticed by their missing CLV.
alter table model_fit add column unpredicted_profiles integer not null default 0;
