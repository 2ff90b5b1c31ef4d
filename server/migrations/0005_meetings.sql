-- Inter-office coordination (ämterübergreifende Kooperation, AGSP;
-- Rahmenkonzeption chapter 8.1.2): meetings of the offices' planners,
-- district heads and neighbourhood coordinators, the agenda backlog fed
-- bottom-up from the quarters and top-down by the offices, the outcome of
-- every item in every meeting it was on, and hand-overs of topics to the
-- responsible office, which acknowledges them and reports them done or
-- declined.  Mutations go through the functions at the end of this file so
-- that the change and its audit rows commit in one statement (SQLSTATEs as
-- in 0001: Q0400 invalid argument with COLUMN, Q0404 not found, Q0409
-- conflict, Q0412 failed precondition).  Depends only on 0001 and 0002.

CREATE TABLE meeting (
    id                  bigserial PRIMARY KEY,
    version             bigint NOT NULL DEFAULT 1,
    title               text NOT NULL,
    -- draft -> open (agenda published) -> in_progress -> closed ->
    -- minutes_approved (read-only); server/meeting_lifecycle.c
    status              text NOT NULL DEFAULT 'draft',
    starts_at           timestamptz NOT NULL,
    ends_at             timestamptz,
    place               text NOT NULL DEFAULT '',
    organiser_office_id bigint NOT NULL,
    created_by          bigint REFERENCES account(id),  -- NULL: bootstrap on the host
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT meeting_title_check CHECK (length(title) BETWEEN 1 AND 200),
    CONSTRAINT meeting_place_check CHECK (length(place) <= 200),
    CONSTRAINT meeting_status_check CHECK (status IN ('draft', 'open', 'in_progress', 'closed',
                                                      'minutes_approved')),
    CONSTRAINT meeting_times_ordered CHECK (ends_at IS NULL OR ends_at >= starts_at),
    CONSTRAINT meeting_organiser_office_id_fkey FOREIGN KEY (organiser_office_id)
        REFERENCES office(id)
);
CREATE INDEX meeting_starts_idx ON meeting (starts_at, id);

-- The scope of a meeting: quarters, districts and projects it is about.
CREATE TABLE meeting_quarter (
    meeting_id  bigint NOT NULL REFERENCES meeting(id),
    quarter_id  bigint NOT NULL REFERENCES quarter(id),
    PRIMARY KEY (meeting_id, quarter_id)
);
CREATE TABLE meeting_district (
    meeting_id  bigint NOT NULL REFERENCES meeting(id),
    district_id bigint NOT NULL REFERENCES district(id),
    PRIMARY KEY (meeting_id, district_id)
);
CREATE TABLE meeting_project (
    meeting_id  bigint NOT NULL REFERENCES meeting(id),
    project_id  bigint NOT NULL REFERENCES project(id),
    PRIMARY KEY (meeting_id, project_id)
);
CREATE INDEX meeting_project_project_idx ON meeting_project (project_id, meeting_id);

-- Invited offices and persons; attended is recorded during or after it.
CREATE TABLE meeting_participant (
    id          bigserial PRIMARY KEY,
    meeting_id  bigint NOT NULL REFERENCES meeting(id),
    office_id   bigint REFERENCES office(id),
    person_id   bigint REFERENCES person(id),
    attended    boolean NOT NULL DEFAULT false,
    CONSTRAINT meeting_participant_one CHECK ((office_id IS NULL) <> (person_id IS NULL)),
    CONSTRAINT meeting_participant_office_key UNIQUE (meeting_id, office_id),
    CONSTRAINT meeting_participant_person_key UNIQUE (meeting_id, person_id)
);

-- A topic for the agenda.  Bottom-up items come from a quarter project
-- (proposed by its coordination), top-down items from an office.  status
-- is kept by the functions below: backlog (on no meeting), scheduled (on
-- the agenda of a meeting that has not dealt with it yet), concluded
-- (information, decision or hand-over recorded).
CREATE TABLE agenda_item (
    id                bigserial PRIMARY KEY,
    version           bigint NOT NULL DEFAULT 1,
    title             text NOT NULL,
    description       text NOT NULL DEFAULT '',
    origin            text NOT NULL,
    origin_project_id bigint REFERENCES project(id),
    origin_quarter_id bigint REFERENCES quarter(id),
    origin_office_id  bigint REFERENCES office(id),
    proposed_by       bigint REFERENCES account(id),  -- NULL: bootstrap on the host
    requested_minutes integer,
    status            text NOT NULL DEFAULT 'backlog',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT agenda_item_title_check CHECK (length(title) BETWEEN 1 AND 200),
    CONSTRAINT agenda_item_origin_check CHECK (origin IN ('bottom_up', 'top_down')),
    CONSTRAINT agenda_item_status_check CHECK (status IN ('backlog', 'scheduled', 'concluded')),
    CONSTRAINT agenda_item_minutes_check CHECK (requested_minutes BETWEEN 1 AND 480),
    CONSTRAINT agenda_item_origin_source CHECK (
        (origin = 'bottom_up' AND origin_project_id IS NOT NULL AND origin_office_id IS NULL) OR
        (origin = 'top_down' AND origin_office_id IS NOT NULL AND origin_project_id IS NULL
                             AND origin_quarter_id IS NULL))
);
CREATE INDEX agenda_item_status_idx ON agenda_item (status, id);

-- The projects an item concerns (the origin project always among them).
CREATE TABLE agenda_item_project (
    item_id     bigint NOT NULL REFERENCES agenda_item(id),
    project_id  bigint NOT NULL REFERENCES project(id),
    PRIMARY KEY (item_id, project_id)
);
CREATE INDEX agenda_item_project_project_idx ON agenda_item_project (project_id, item_id);

-- The history of an item: one row per meeting it was put on, at a
-- position of that meeting's agenda.  outcome NULL: the meeting has not
-- dealt with it yet (the item is scheduled there; at most one such row per
-- item).  Items a meeting did not reach get 'carried_over' when it closes
-- and go back to the backlog for a later meeting; their rows stay.
CREATE TABLE agenda_item_history (
    id           bigserial PRIMARY KEY,
    item_id      bigint NOT NULL REFERENCES agenda_item(id),
    meeting_id   bigint NOT NULL REFERENCES meeting(id),
    position     integer NOT NULL CHECK (position >= 1),
    outcome      text,
    outcome_text text NOT NULL DEFAULT '',
    recorded_by  bigint REFERENCES account(id),
    recorded_at  timestamptz,
    CONSTRAINT agenda_item_history_outcome_check CHECK (outcome IN ('information', 'decision',
                                           'deferral', 'hand_over', 'carried_over')),
    CONSTRAINT agenda_item_history_once UNIQUE (item_id, meeting_id)
);
CREATE UNIQUE INDEX agenda_item_history_pending ON agenda_item_history (item_id)
    WHERE outcome IS NULL;
CREATE INDEX agenda_item_history_meeting_idx ON agenda_item_history (meeting_id, position, id);

-- A topic handed over by a meeting to a lead office (plus participating
-- offices), due on a day.  open -> acknowledged -> done | declined (with a
-- reason); server/meeting_lifecycle.c.  The follow-up is not part of the
-- minutes, so it goes on after they are approved.
CREATE TABLE handover (
    id              bigserial PRIMARY KEY,
    version         bigint NOT NULL DEFAULT 1,
    history_id      bigint NOT NULL UNIQUE REFERENCES agenda_item_history(id),
    item_id         bigint NOT NULL REFERENCES agenda_item(id),
    meeting_id      bigint NOT NULL REFERENCES meeting(id),
    lead_office_id  bigint NOT NULL REFERENCES office(id),
    due_date        date NOT NULL,
    status          text NOT NULL DEFAULT 'open',
    note            text NOT NULL DEFAULT '',  -- what is handed over
    reason          text NOT NULL DEFAULT '',  -- declined: why; done: optional report
    acknowledged_by bigint REFERENCES account(id),
    acknowledged_at timestamptz,
    closed_by       bigint REFERENCES account(id),
    closed_at       timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT handover_status_check CHECK (status IN ('open', 'acknowledged', 'done', 'declined')),
    CONSTRAINT handover_declined_reason CHECK (status <> 'declined' OR reason <> '')
);
CREATE INDEX handover_lead_office_idx ON handover (lead_office_id, id);

CREATE TABLE handover_office (
    handover_id bigint NOT NULL REFERENCES handover(id),
    office_id   bigint NOT NULL REFERENCES office(id),
    PRIMARY KEY (handover_id, office_id)
);
CREATE INDEX handover_office_office_idx ON handover_office (office_id, handover_id);

-- ---------------------------------------------------------------- views

-- A meeting as the protocol returns it (without its agenda).  Times are
-- unix seconds; participants as parallel arrays ordered by id.
CREATE VIEW meeting_v AS
SELECT m.id, m.version, m.title, m.status,
       extract(epoch FROM m.starts_at)::bigint AS starts_at,
       extract(epoch FROM m.ends_at)::bigint AS ends_at,
       m.place, m.organiser_office_id, o.name AS organiser_office_name,
       extract(epoch FROM m.created_at)::bigint AS created_at,
       extract(epoch FROM m.updated_at)::bigint AS updated_at,
       ARRAY(SELECT x.quarter_id FROM meeting_quarter x
              WHERE x.meeting_id = m.id ORDER BY 1) AS quarter_ids,
       ARRAY(SELECT x.district_id FROM meeting_district x
              WHERE x.meeting_id = m.id ORDER BY 1) AS district_ids,
       ARRAY(SELECT x.project_id FROM meeting_project x
              WHERE x.meeting_id = m.id ORDER BY 1) AS project_ids,
       ARRAY(SELECT p.office_id FROM meeting_participant p
              WHERE p.meeting_id = m.id AND p.office_id IS NOT NULL ORDER BY p.office_id)
           AS participant_office_ids,
       ARRAY(SELECT f.name FROM meeting_participant p JOIN office f ON f.id = p.office_id
              WHERE p.meeting_id = m.id ORDER BY p.office_id) AS participant_office_names,
       ARRAY(SELECT p.attended FROM meeting_participant p
              WHERE p.meeting_id = m.id AND p.office_id IS NOT NULL ORDER BY p.office_id)
           AS participant_office_attended,
       ARRAY(SELECT p.person_id FROM meeting_participant p
              WHERE p.meeting_id = m.id AND p.person_id IS NOT NULL ORDER BY p.person_id)
           AS participant_person_ids,
       ARRAY(SELECT s.name FROM meeting_participant p JOIN person s ON s.id = p.person_id
              WHERE p.meeting_id = m.id ORDER BY p.person_id) AS participant_person_names,
       ARRAY(SELECT p.attended FROM meeting_participant p
              WHERE p.meeting_id = m.id AND p.person_id IS NOT NULL ORDER BY p.person_id)
           AS participant_person_attended
  FROM meeting m JOIN office o ON o.id = m.organiser_office_id;

-- An item with its origin resolved and the meeting it is scheduled on.
CREATE VIEW agenda_item_v AS
SELECT i.id, i.version, i.title, i.description, i.origin, i.origin_project_id,
       i.origin_quarter_id, i.origin_office_id,
       coalesce(op.name, oo.name) AS origin_name,
       i.proposed_by, i.requested_minutes, i.status,
       h.meeting_id, h.position,
       ARRAY(SELECT x.project_id FROM agenda_item_project x
              WHERE x.item_id = i.id ORDER BY 1) AS project_ids,
       extract(epoch FROM i.created_at)::bigint AS created_at,
       extract(epoch FROM i.updated_at)::bigint AS updated_at
  FROM agenda_item i
  LEFT JOIN project op ON op.id = i.origin_project_id
  LEFT JOIN office oo ON oo.id = i.origin_office_id
  LEFT JOIN agenda_item_history h ON h.item_id = i.id AND h.outcome IS NULL;

-- One item on one meeting: the rows of agenda_item_history, named.
CREATE VIEW agenda_entry_v AS
SELECT h.id, h.meeting_id, h.item_id, h.position, h.outcome, h.outcome_text,
       ho.id AS handover_id,
       extract(epoch FROM h.recorded_at)::bigint AS recorded_at,
       i.title AS item_title, m.title AS meeting_title,
       extract(epoch FROM m.starts_at)::bigint AS meeting_starts_at,
       i.origin, coalesce(op.name, oo.name) AS origin_name, i.requested_minutes
  FROM agenda_item_history h
  JOIN agenda_item i ON i.id = h.item_id
  JOIN meeting m ON m.id = h.meeting_id
  LEFT JOIN project op ON op.id = i.origin_project_id
  LEFT JOIN office oo ON oo.id = i.origin_office_id
  LEFT JOIN handover ho ON ho.history_id = h.id;

CREATE VIEW handover_v AS
SELECT ho.id, ho.version, ho.item_id, ho.meeting_id, ho.lead_office_id,
       f.name AS lead_office_name,
       ARRAY(SELECT x.office_id FROM handover_office x
              WHERE x.handover_id = ho.id ORDER BY 1) AS office_ids,
       ho.due_date::text AS due_date, ho.status, ho.note, ho.reason,
       i.title AS item_title,
       ARRAY(SELECT x.project_id FROM agenda_item_project x
              WHERE x.item_id = ho.item_id ORDER BY 1) AS project_ids,
       ho.acknowledged_by, extract(epoch FROM ho.acknowledged_at)::bigint AS acknowledged_at,
       ho.closed_by, extract(epoch FROM ho.closed_at)::bigint AS closed_at,
       extract(epoch FROM ho.created_at)::bigint AS created_at,
       extract(epoch FROM ho.updated_at)::bigint AS updated_at,
       m.title AS meeting_title
  FROM handover ho
  JOIN office f ON f.id = ho.lead_office_id
  JOIN agenda_item i ON i.id = ho.item_id
  JOIN meeting m ON m.id = ho.meeting_id;

-- ---------------------------------------------------------------- audit snapshots

CREATE FUNCTION qt_meeting_snapshot(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT to_jsonb(v) FROM meeting_v v WHERE v.id = p_id
$$;

CREATE FUNCTION qt_agenda_item_snapshot(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT to_jsonb(v) || jsonb_build_object('history',
             (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.id), '[]'::jsonb)
                FROM agenda_entry_v e WHERE e.item_id = p_id))
      FROM agenda_item_v v WHERE v.id = p_id
$$;

CREATE FUNCTION qt_handover_snapshot(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT to_jsonb(v) FROM handover_v v WHERE v.id = p_id
$$;

-- ---------------------------------------------------------------- checks

-- Refuses the first id of p_ids that table p_table (one of the names
-- below) does not hold, naming p_field.
CREATE FUNCTION qt_meeting_check_ids(p_table text, p_ids bigint[], p_field text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    bad bigint;
BEGIN
    SELECT x INTO bad FROM unnest(p_ids) x
     WHERE NOT CASE p_table
               WHEN 'quarter' THEN EXISTS (SELECT 1 FROM quarter t WHERE t.id = x)
               WHEN 'district' THEN EXISTS (SELECT 1 FROM district t WHERE t.id = x)
               WHEN 'project' THEN EXISTS (SELECT 1 FROM project t WHERE t.id = x)
               WHEN 'office' THEN EXISTS (SELECT 1 FROM office t WHERE t.id = x)
               WHEN 'person' THEN EXISTS (SELECT 1 FROM person t WHERE t.id = x)
               ELSE false
           END
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'unknown % %', p_table, bad USING ERRCODE = 'Q0400', COLUMN = p_field;
    END IF;
END $$;

CREATE FUNCTION qt_meeting_check_scope(p_quarters bigint[], p_districts bigint[],
    p_projects bigint[], p_offices bigint[], p_persons bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM qt_meeting_check_ids('quarter', p_quarters, 'quarter_ids');
    PERFORM qt_meeting_check_ids('district', p_districts, 'district_ids');
    PERFORM qt_meeting_check_ids('project', p_projects, 'project_ids');
    PERFORM qt_meeting_check_ids('office', p_offices, 'participant_office_ids');
    PERFORM qt_meeting_check_ids('person', p_persons, 'participant_person_ids');
END $$;

-- ---------------------------------------------------------------- meetings

CREATE FUNCTION qt_meeting_create(p_actor bigint, p_title text, p_starts bigint, p_ends bigint,
    p_place text, p_organiser bigint, p_quarters bigint[], p_districts bigint[],
    p_projects bigint[], p_offices bigint[], p_persons bigint[])
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM office WHERE id = p_organiser) THEN
        RAISE EXCEPTION 'unknown office %', p_organiser
            USING ERRCODE = 'Q0400', COLUMN = 'organiser_office_id';
    END IF;
    PERFORM qt_meeting_check_scope(p_quarters, p_districts, p_projects, p_offices, p_persons);
    IF p_ends IS NOT NULL AND p_ends < p_starts THEN
        RAISE EXCEPTION 'ends_at lies before starts_at' USING ERRCODE = 'Q0400', COLUMN = 'ends_at';
    END IF;
    INSERT INTO meeting (title, starts_at, ends_at, place, organiser_office_id, created_by)
    VALUES (p_title, to_timestamp(p_starts), to_timestamp(p_ends), coalesce(p_place, ''),
            p_organiser, p_actor)
    RETURNING id INTO new_id;
    INSERT INTO meeting_quarter SELECT DISTINCT new_id, x FROM unnest(p_quarters) x;
    INSERT INTO meeting_district SELECT DISTINCT new_id, x FROM unnest(p_districts) x;
    INSERT INTO meeting_project SELECT DISTINCT new_id, x FROM unnest(p_projects) x;
    INSERT INTO meeting_participant (meeting_id, office_id)
    SELECT DISTINCT new_id, x FROM unnest(p_offices) x;
    INSERT INTO meeting_participant (meeting_id, person_id)
    SELECT DISTINCT new_id, x FROM unnest(p_persons) x;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'meeting.create', 'meeting', new_id, NULL, qt_meeting_snapshot(new_id));
    RETURN new_id;
END $$;

-- Locks a meeting that may still be changed: it exists (Q0404), its
-- minutes are not approved (Q0412) and, if p_expected is not NULL, it has
-- that version (Q0409).
CREATE FUNCTION qt_meeting_lock(p_id bigint, p_expected bigint) RETURNS meeting
LANGUAGE plpgsql AS $$
DECLARE
    cur meeting%ROWTYPE;
BEGIN
    SELECT * INTO cur FROM meeting WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'meeting % does not exist', p_id USING ERRCODE = 'Q0404', COLUMN = 'id';
    END IF;
    IF cur.status = 'minutes_approved' THEN
        RAISE EXCEPTION 'the minutes of meeting % are approved; it can no longer be changed', p_id
            USING ERRCODE = 'Q0412';
    END IF;
    IF p_expected IS NOT NULL AND cur.version <> p_expected THEN
        RAISE EXCEPTION 'meeting % has version %, not %', p_id, cur.version, p_expected
            USING ERRCODE = 'Q0409', COLUMN = 'expected_version';
    END IF;
    RETURN cur;
END $$;

-- Partial update: NULL leaves a field unchanged; p_set_* flags replace the
-- scope lists, the invited participants or the attendance as a whole.
-- Participants staying invited keep their attendance.
CREATE FUNCTION qt_meeting_update(p_actor bigint, p_id bigint, p_expected bigint,
    p_title text, p_starts bigint, p_set_ends boolean, p_ends bigint, p_place text,
    p_set_scope boolean, p_quarters bigint[], p_districts bigint[], p_projects bigint[],
    p_set_participants boolean, p_offices bigint[], p_persons bigint[],
    p_set_attended boolean, p_att_offices bigint[], p_att_persons bigint[])
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    cur meeting%ROWTYPE;
    before_json jsonb;
    bad bigint;
    new_ends bigint;
BEGIN
    cur := qt_meeting_lock(p_id, p_expected);
    PERFORM qt_meeting_check_scope(
        CASE WHEN p_set_scope THEN p_quarters ELSE '{}' END,
        CASE WHEN p_set_scope THEN p_districts ELSE '{}' END,
        CASE WHEN p_set_scope THEN p_projects ELSE '{}' END,
        CASE WHEN p_set_participants THEN p_offices ELSE '{}' END,
        CASE WHEN p_set_participants THEN p_persons ELSE '{}' END);
    new_ends := CASE WHEN p_set_ends THEN p_ends ELSE extract(epoch FROM cur.ends_at)::bigint END;
    IF new_ends < coalesce(p_starts, extract(epoch FROM cur.starts_at)::bigint) THEN
        RAISE EXCEPTION 'ends_at lies before starts_at' USING ERRCODE = 'Q0400', COLUMN = 'ends_at';
    END IF;
    before_json := qt_meeting_snapshot(p_id);
    UPDATE meeting SET
        title = coalesce(p_title, title),
        starts_at = coalesce(to_timestamp(p_starts), starts_at),
        ends_at = CASE WHEN p_set_ends THEN to_timestamp(p_ends) ELSE ends_at END,
        place = coalesce(p_place, place),
        version = version + 1,
        updated_at = now()
     WHERE id = p_id;
    IF p_set_scope THEN
        DELETE FROM meeting_quarter WHERE meeting_id = p_id;
        DELETE FROM meeting_district WHERE meeting_id = p_id;
        DELETE FROM meeting_project WHERE meeting_id = p_id;
        INSERT INTO meeting_quarter SELECT DISTINCT p_id, x FROM unnest(p_quarters) x;
        INSERT INTO meeting_district SELECT DISTINCT p_id, x FROM unnest(p_districts) x;
        INSERT INTO meeting_project SELECT DISTINCT p_id, x FROM unnest(p_projects) x;
    END IF;
    IF p_set_participants THEN
        DELETE FROM meeting_participant
         WHERE meeting_id = p_id
           AND NOT (coalesce(office_id = ANY (p_offices), false)
                    OR coalesce(person_id = ANY (p_persons), false));
        INSERT INTO meeting_participant (meeting_id, office_id)
        SELECT DISTINCT p_id, x FROM unnest(p_offices) x
        ON CONFLICT DO NOTHING;
        INSERT INTO meeting_participant (meeting_id, person_id)
        SELECT DISTINCT p_id, x FROM unnest(p_persons) x
        ON CONFLICT DO NOTHING;
    END IF;
    IF p_set_attended THEN
        SELECT x INTO bad FROM unnest(p_att_offices) x
         WHERE NOT EXISTS (SELECT 1 FROM meeting_participant
                            WHERE meeting_id = p_id AND office_id = x) LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'office % was not invited', bad
                USING ERRCODE = 'Q0400', COLUMN = 'attended_office_ids';
        END IF;
        SELECT x INTO bad FROM unnest(p_att_persons) x
         WHERE NOT EXISTS (SELECT 1 FROM meeting_participant
                            WHERE meeting_id = p_id AND person_id = x) LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'person % was not invited', bad
                USING ERRCODE = 'Q0400', COLUMN = 'attended_person_ids';
        END IF;
        UPDATE meeting_participant
           SET attended = coalesce(office_id = ANY (p_att_offices), false)
                       OR coalesce(person_id = ANY (p_att_persons), false)
         WHERE meeting_id = p_id;
    END IF;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'meeting.update', 'meeting', p_id, before_json, qt_meeting_snapshot(p_id));
    RETURN p_id;
END $$;

-- Moves a meeting from p_from to p_to if it is still at p_expected
-- version; the server has checked the transition.  Closing a meeting
-- carries the items it did not reach over: their rows get 'carried_over'
-- and the items go back to the backlog, each with an audit row.
CREATE FUNCTION qt_meeting_transition(p_actor bigint, p_id bigint, p_expected bigint,
    p_from text, p_to text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    cur meeting%ROWTYPE;
    before_json jsonb;
    carried bigint[];
    it bigint;
    item_before jsonb;
BEGIN
    cur := qt_meeting_lock(p_id, p_expected);
    IF cur.status <> p_from THEN
        RAISE EXCEPTION 'meeting % is %, not %', p_id, cur.status, p_from
            USING ERRCODE = 'Q0409', COLUMN = 'expected_version';
    END IF;
    before_json := qt_meeting_snapshot(p_id);
    UPDATE meeting SET status = p_to, version = version + 1, updated_at = now() WHERE id = p_id;
    IF p_to = 'closed' THEN
        carried := ARRAY(SELECT item_id FROM agenda_item_history
                          WHERE meeting_id = p_id AND outcome IS NULL ORDER BY position, id);
        FOREACH it IN ARRAY carried LOOP
            item_before := qt_agenda_item_snapshot(it);
            UPDATE agenda_item_history
               SET outcome = 'carried_over', recorded_by = p_actor, recorded_at = now()
             WHERE meeting_id = p_id AND item_id = it;
            UPDATE agenda_item SET status = 'backlog', version = version + 1, updated_at = now()
             WHERE id = it;
            INSERT INTO audit (account_id, action, entity, entity_id, before, after)
            VALUES (p_actor, 'agenda_item.carry_over', 'agenda_item', it, item_before,
                    qt_agenda_item_snapshot(it));
        END LOOP;
    END IF;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'meeting.transition', 'meeting', p_id, before_json,
            qt_meeting_snapshot(p_id) || jsonb_build_object('carried_over', to_jsonb(carried)));
    RETURN p_id;
END $$;

-- ---------------------------------------------------------------- agenda

CREATE FUNCTION qt_agenda_propose(p_actor bigint, p_title text, p_description text,
    p_origin text, p_origin_project bigint, p_origin_quarter bigint, p_origin_office bigint,
    p_projects bigint[], p_minutes integer)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    IF p_origin_project IS NOT NULL THEN
        PERFORM qt_meeting_check_ids('project', ARRAY[p_origin_project], 'origin_project_id');
    END IF;
    IF p_origin_quarter IS NOT NULL THEN
        PERFORM qt_meeting_check_ids('quarter', ARRAY[p_origin_quarter], 'origin_quarter_id');
    END IF;
    IF p_origin_office IS NOT NULL THEN
        PERFORM qt_meeting_check_ids('office', ARRAY[p_origin_office], 'origin_office_id');
    END IF;
    PERFORM qt_meeting_check_ids('project', p_projects, 'project_ids');
    INSERT INTO agenda_item (title, description, origin, origin_project_id, origin_quarter_id,
                             origin_office_id, proposed_by, requested_minutes)
    VALUES (p_title, coalesce(p_description, ''), p_origin, p_origin_project, p_origin_quarter,
            p_origin_office, p_actor, p_minutes)
    RETURNING id INTO new_id;
    INSERT INTO agenda_item_project
    SELECT DISTINCT new_id, x FROM unnest(p_projects || p_origin_project) x WHERE x IS NOT NULL;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'agenda_item.propose', 'agenda_item', new_id, NULL,
            qt_agenda_item_snapshot(new_id));
    RETURN new_id;
END $$;

-- Puts an item on the agenda of p_meeting at p_position (NULL or past the
-- end: last; the items from there move down), moves it there from another
-- meeting that has not started, or with p_meeting NULL takes it back to
-- the backlog.  p_from is the meeting the server judged the item to be
-- scheduled on (NULL: none); if that changed meanwhile, Q0409.
CREATE FUNCTION qt_agenda_schedule(p_actor bigint, p_item bigint, p_from bigint,
    p_meeting bigint, p_position integer)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    item agenda_item%ROWTYPE;
    pending agenda_item_history%ROWTYPE;
    target meeting%ROWTYPE;
    src meeting%ROWTYPE;
    before_json jsonb;
    n integer;
    pos integer;
BEGIN
    -- Lock order everywhere: meetings (by id), then items.
    PERFORM 1 FROM meeting WHERE id IN (p_from, p_meeting) ORDER BY id FOR UPDATE;
    SELECT * INTO item FROM agenda_item WHERE id = p_item FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown agenda item %', p_item USING ERRCODE = 'Q0400', COLUMN = 'item_id';
    END IF;
    IF item.status = 'concluded' THEN
        RAISE EXCEPTION 'agenda item % has been dealt with already', p_item USING ERRCODE = 'Q0412';
    END IF;
    SELECT * INTO pending FROM agenda_item_history WHERE item_id = p_item AND outcome IS NULL;
    IF pending.meeting_id IS DISTINCT FROM p_from THEN
        RAISE EXCEPTION 'agenda item % was moved meanwhile; reload and try again', p_item
            USING ERRCODE = 'Q0409', COLUMN = 'item_id';
    END IF;
    before_json := qt_agenda_item_snapshot(p_item);
    IF p_meeting IS NOT NULL THEN
        SELECT * INTO target FROM meeting WHERE id = p_meeting;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'unknown meeting %', p_meeting
                USING ERRCODE = 'Q0400', COLUMN = 'meeting_id';
        END IF;
        IF target.status NOT IN ('draft', 'open', 'in_progress') THEN
            RAISE EXCEPTION 'meeting % is %; items can no longer be put on its agenda',
                p_meeting, target.status USING ERRCODE = 'Q0412';
        END IF;
    END IF;
    IF pending.id IS NOT NULL THEN
        SELECT * INTO src FROM meeting WHERE id = pending.meeting_id;
        IF src.status NOT IN ('draft', 'open')
           AND pending.meeting_id IS DISTINCT FROM p_meeting THEN
            RAISE EXCEPTION 'meeting % is %; record an outcome for the item instead of moving it',
                src.id, src.status USING ERRCODE = 'Q0412';
        END IF;
        IF src.status NOT IN ('draft', 'open', 'in_progress') THEN
            RAISE EXCEPTION 'meeting % is %; its agenda can no longer be changed',
                src.id, src.status USING ERRCODE = 'Q0412';
        END IF;
        -- Take it off (a plan, not history: nothing was recorded yet).
        DELETE FROM agenda_item_history WHERE id = pending.id;
        UPDATE agenda_item_history SET position = position - 1
         WHERE meeting_id = pending.meeting_id AND position > pending.position;
    END IF;
    IF p_meeting IS NOT NULL THEN
        IF EXISTS (SELECT 1 FROM agenda_item_history WHERE item_id = p_item
                                                      AND meeting_id = p_meeting) THEN
            RAISE EXCEPTION 'agenda item % was on meeting % already', p_item, p_meeting
                USING ERRCODE = 'Q0412';
        END IF;
        SELECT count(*) INTO n FROM agenda_item_history WHERE meeting_id = p_meeting;
        pos := least(coalesce(p_position, n + 1), n + 1);
        UPDATE agenda_item_history SET position = position + 1
         WHERE meeting_id = p_meeting AND position >= pos;
        INSERT INTO agenda_item_history (item_id, meeting_id, position)
        VALUES (p_item, p_meeting, pos);
    END IF;
    UPDATE agenda_item
       SET status = CASE WHEN p_meeting IS NULL THEN 'backlog' ELSE 'scheduled' END,
           version = version + 1, updated_at = now()
     WHERE id = p_item;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'agenda_item.schedule', 'agenda_item', p_item, before_json,
            qt_agenda_item_snapshot(p_item));
    RETURN p_item;
END $$;

-- Records what meeting p_meeting did with item p_item.  Allowed while the
-- meeting is in progress or closed (not approved).  A recorded outcome
-- may be corrected until approval, except a hand-over (the office has it
-- already), and an item carried over or deferred only while it is not on
-- another agenda since.  A hand-over creates the hand-over row.
CREATE FUNCTION qt_agenda_outcome(p_actor bigint, p_meeting bigint, p_item bigint,
    p_kind text, p_text text, p_lead_office bigint, p_offices bigint[], p_due date)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    m meeting%ROWTYPE;
    h agenda_item_history%ROWTYPE;
    item agenda_item%ROWTYPE;
    before_json jsonb;
    new_handover bigint;
BEGIN
    SELECT * INTO m FROM meeting WHERE id = p_meeting FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown meeting %', p_meeting USING ERRCODE = 'Q0400', COLUMN = 'meeting_id';
    END IF;
    SELECT * INTO item FROM agenda_item WHERE id = p_item FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown agenda item %', p_item USING ERRCODE = 'Q0400', COLUMN = 'item_id';
    END IF;
    SELECT * INTO h FROM agenda_item_history
     WHERE meeting_id = p_meeting AND item_id = p_item FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'agenda item % is not on the agenda of meeting %', p_item, p_meeting
            USING ERRCODE = 'Q0400', COLUMN = 'item_id';
    END IF;
    IF m.status NOT IN ('in_progress', 'closed') THEN
        RAISE EXCEPTION 'meeting % is %; outcomes are recorded while it is in progress or closed',
            p_meeting, m.status USING ERRCODE = 'Q0412';
    END IF;
    IF h.outcome = 'hand_over' THEN
        RAISE EXCEPTION 'the item was handed over already; the hand-over stays'
            USING ERRCODE = 'Q0412';
    END IF;
    IF h.outcome IN ('carried_over', 'deferral') AND item.status <> 'backlog' THEN
        RAISE EXCEPTION 'the item has been put on another agenda since'
            USING ERRCODE = 'Q0412';
    END IF;
    IF p_kind = 'hand_over' THEN
        PERFORM qt_meeting_check_ids('office', ARRAY[p_lead_office], 'lead_office_id');
        PERFORM qt_meeting_check_ids('office', p_offices, 'office_ids');
        IF p_due < m.starts_at::date THEN
            RAISE EXCEPTION 'due_date % lies before the meeting (%)', p_due, m.starts_at::date
                USING ERRCODE = 'Q0400', COLUMN = 'due_date';
        END IF;
    END IF;
    before_json := qt_agenda_item_snapshot(p_item);
    UPDATE agenda_item_history
       SET outcome = p_kind, outcome_text = coalesce(p_text, ''),
           recorded_by = p_actor, recorded_at = now()
     WHERE id = h.id;
    UPDATE agenda_item
       SET status = CASE WHEN p_kind = 'deferral' THEN 'backlog' ELSE 'concluded' END,
           version = version + 1, updated_at = now()
     WHERE id = p_item;
    IF p_kind = 'hand_over' THEN
        INSERT INTO handover (history_id, item_id, meeting_id, lead_office_id, due_date, note)
        VALUES (h.id, p_item, p_meeting, p_lead_office, p_due, coalesce(p_text, ''))
        RETURNING id INTO new_handover;
        INSERT INTO handover_office
        SELECT DISTINCT new_handover, x FROM unnest(p_offices) x WHERE x <> p_lead_office;
        INSERT INTO audit (account_id, action, entity, entity_id, before, after)
        VALUES (p_actor, 'handover.create', 'handover', new_handover, NULL,
                qt_handover_snapshot(new_handover));
    END IF;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'agenda_item.outcome', 'agenda_item', p_item, before_json,
            qt_agenda_item_snapshot(p_item));
    RETURN p_item;
END $$;

-- ---------------------------------------------------------------- hand-overs

-- Moves a hand-over from p_from to p_to if it is still at p_expected
-- version; the server has checked the transition and the reason.
CREATE FUNCTION qt_handover_update(p_actor bigint, p_id bigint, p_expected bigint,
    p_from text, p_to text, p_reason text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    cur handover%ROWTYPE;
    before_json jsonb;
BEGIN
    SELECT * INTO cur FROM handover WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'hand-over % does not exist', p_id USING ERRCODE = 'Q0404', COLUMN = 'id';
    END IF;
    IF cur.version <> p_expected OR cur.status <> p_from THEN
        RAISE EXCEPTION 'hand-over % has version %, not %', p_id, cur.version, p_expected
            USING ERRCODE = 'Q0409', COLUMN = 'expected_version';
    END IF;
    before_json := qt_handover_snapshot(p_id);
    UPDATE handover SET
        status = p_to,
        reason = CASE WHEN p_to IN ('done', 'declined') THEN coalesce(p_reason, '') ELSE reason END,
        acknowledged_by = CASE WHEN p_to = 'acknowledged' THEN p_actor ELSE acknowledged_by END,
        acknowledged_at = CASE WHEN p_to = 'acknowledged' THEN now() ELSE acknowledged_at END,
        closed_by = CASE WHEN p_to IN ('done', 'declined') THEN p_actor ELSE closed_by END,
        closed_at = CASE WHEN p_to IN ('done', 'declined') THEN now() ELSE closed_at END,
        version = version + 1,
        updated_at = now()
     WHERE id = p_id;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'handover.' || p_to, 'handover', p_id, before_json, qt_handover_snapshot(p_id));
    RETURN p_id;
END $$;
