-- The instant a text names when it is a time a rule compares (TimeText in the engine, the same grammar): an ISO
-- date (the start of its day in UTC) or an ISO instant with Z or an offset, to the microsecond; null otherwise.
-- Segments compare time-valued tags and traits through it, so a fraction of a second or an offset orders by the
-- instant it names, as the engine's rules do, not by its characters. Checks every field before the cast, so no
-- value makes a count fail.
create function portrait_time(v text) returns timestamptz language plpgsql immutable strict parallel safe as $$
declare
    m text[];
    y int;
    mo int;
begin
    if length(v) < 10 or length(v) > 35 then
        return null;
    end if;
    m := regexp_match(v, '^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6})\d{0,3})?(?:Z|([+-])(\d{2}):(\d{2})))?$');
    if m is null then
        return null;
    end if;
    y := cast(m[1] as int);
    mo := cast(m[2] as int);
    if y < 1 or mo < 1 or mo > 12 or cast(m[3] as int) < 1
            or cast(m[3] as int) > extract(day from make_date(y, mo, 1) + interval '1 month' - interval '1 day') then
        return null;
    end if;
    if m[4] is null then
        return cast(m[1] || '-' || m[2] || '-' || m[3] || ' 00:00:00+00' as timestamptz);
    end if;
    if cast(m[4] as int) > 23 or cast(m[5] as int) > 59 or cast(m[6] as int) > 59
            or coalesce(cast(m[9] as int), 0) > 15 or coalesce(cast(m[10] as int), 0) > 59 then
        return null;
    end if;
    return cast(m[1] || '-' || m[2] || '-' || m[3] || ' ' || m[4] || ':' || m[5] || ':' || m[6]
                || coalesce('.' || m[7], '') || coalesce(m[8] || m[9] || ':' || m[10], '+00') as timestamptz);
end
$$;
