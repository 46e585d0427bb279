-- The keyed hashes of the identifiers an erasure suppressed (the tombstone's), so that asking for the same erasure
-- again answers them too: the privacy flow hands them to ingestion, which finds by them what else carries the person.
-- Null for an erasure recorded before they were kept.
alter table erasure add column identifier_hashes bytea[];
