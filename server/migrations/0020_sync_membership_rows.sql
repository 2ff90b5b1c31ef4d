-- Sync: membership pages without their persons.
--
-- qt_sync_memberships rendered each membership's person through
-- qt_sync_persons, although the snapshot had rendered the same persons
-- for their own records just before: in a registry of 20,000 persons and
-- 100,000 memberships, 100 pages of 250 memberships took 450 ms with
-- their persons and 90 ms without.  quartierd now keeps the persons of
-- the snapshot a connection pages through (server/person_memo.h), reads
-- the memberships with the person's id only, and renders through
-- qt_sync_persons just the persons it does not have.
--
-- The columns are membership_v's up to and including person_id.

CREATE FUNCTION qt_sync_membership_rows(p_ids bigint[])
RETURNS TABLE (id bigint, project_id bigint, role text, on_behalf_of_id bigint,
               on_behalf_of_name text, deputy_of_id bigint, deputy_of_name text,
               start_date text, end_date text, created_at bigint, updated_at bigint,
               period daterange, person_id bigint)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    SELECT m.id, m.project_id, m.role, m.on_behalf_of_id, o.name, m.deputy_of_id, d.name,
           m.start_date::text, m.end_date::text,
           extract(epoch FROM m.created_at)::bigint, extract(epoch FROM m.updated_at)::bigint,
           daterange(m.start_date, m.end_date, '[]'), m.person_id
      FROM membership m
      LEFT JOIN organisation o ON o.id = m.on_behalf_of_id
      LEFT JOIN person d ON d.id = m.deputy_of_id
     WHERE m.id = ANY (p_ids);
END $$;

DROP FUNCTION qt_sync_memberships(bigint[]);
