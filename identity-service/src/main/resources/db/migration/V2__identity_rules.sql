-- Identifiers an event carried but that were demoted to keep the matching rules, as 'type:hex hash', so that
-- resolving the event again answers the same demotions.
alter table resolved_event add column demoted text[] not null default '{}';


-- When the person was first seen with the identifier (the event's time): limits with a window count from it,
-- so a history imported in one go is judged by when things happened, not by when they were loaded.
alter table identifier add column seen_at timestamptz;
update identifier set seen_at = created_at;
alter table identifier alter column seen_at set not null;
