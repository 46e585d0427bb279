-- Which of a set of lookup hashes a workspace's erasures suppressed (FindErasedIdentifiers) is asked by hash alone:
-- the hash names its type, and the caller (a service holding data stored before it kept the hashes) does not know it.
create index erasure_tombstone_by_hash on erasure_tombstone (workspace, value_hash);
