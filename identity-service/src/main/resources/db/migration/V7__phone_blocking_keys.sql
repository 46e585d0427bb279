-- Phones became a linkage field of their own, blocked on their last eight digits (pass 8), instead of being read
-- into the id number (pass 4, all its digits). Each profile's keys are rebuilt whenever its golden record changes;
-- until then, the phone key is derived from the id-number key so that profiles indexed before are still found by
-- their phone. A stale key only brings a candidate to be scored, never a match by itself.
insert into person_block (workspace, block_key, profile_id)
select workspace, '8:' || right(substr(block_key, 3), 8), profile_id
from person_block
where block_key like '4:%' and length(block_key) >= 10
on conflict do nothing;
