-- Recompute jobs are claimed through a lease, so that with several replicas each job runs once, and a replica
-- that dies mid-job leaves it to another once the lease expires; that one resumes after the checkpoint (the last
-- profile id of the last committed page). Times are the database's, so replica clocks do not matter.
alter table recompute_job
    add column make_live   boolean     not null default true,
    add column checkpoint  text        not null default '',
    add column owner       text,
    add column lease_until timestamptz,
    add column attempts    integer     not null default 0;
create index recompute_job_claimable on recompute_job (started_at) where state = 'running';
