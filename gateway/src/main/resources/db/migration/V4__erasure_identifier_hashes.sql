-- The lookup hashes of the identifiers identity suppressed, as it answered them, kept until ingestion has erased:
-- a retry of ingestion's step passes them again. Null before identity has answered, once ingestion has erased, and
-- for an erasure identity answered without them.
alter table erasure add column identifier_hashes text[];
