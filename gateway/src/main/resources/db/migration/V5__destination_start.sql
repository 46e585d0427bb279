-- Where a destination began following its segments' change logs: 'beginning' replays every past change (what every
-- destination saved before did), 'now' starts after the last change each log held when the destination was created.
alter table destination add column start text not null default 'beginning' check (start in ('beginning', 'now'));

-- The sequence number of the segment's change log after which the delivery began (0 from the beginning); the
-- delivery's delivered_through starts there.
alter table destination_delivery add column started_after bigint not null default 0;
