-- Coordinators' updates (Zielsteuerung, chapter 4 of the
-- Rahmenkonzeption): SMART goals per project with their history, progress
-- updates of the coordination reviewed by the lead office, and what the
-- annual report (Jahresbericht) reads.
--
-- Goals are adapted during a project, and that history is evidence: a
-- change is a new goal_version; versions are never changed or deleted,
-- except that a proposed version is accepted once (state, accepted_by,
-- accepted_at).  The newest version is the current one; the newest
-- accepted version is the one that counts.  A goal is retired, never
-- deleted.
--
-- A progress update goes submitted -> approved (final) or submitted ->
-- returned (with a comment) -> submitted (revised) -> ...; the same rule is
-- the pure function update_state_next() in server/update_state.c.  Nobody
-- reviews an update they submitted or revised: qt_progress_review() refuses
-- it and a CHECK constraint backs it up.  Every event is kept in
-- progress_update_event; approved updates are never changed.
--
-- Changes go through the qt_goal_* and qt_progress_* functions, which
-- re-check versions and states under a row lock and write the audit row
-- in the same transaction.  SQLSTATEs as in 0001: Q0400 invalid argument
-- (COLUMN names the field), Q0403 permission denied, Q0404 not found,
-- Q0409 conflict, Q0412 failed precondition.  This migration depends only
-- on 0001-0005.

CREATE TABLE goal (
    id            bigserial PRIMARY KEY,
    project_id    bigint NOT NULL REFERENCES project(id),
    version       bigint NOT NULL DEFAULT 1,       -- the newest goal_version
    created_by    bigint REFERENCES account(id),   -- NULL: recorded on the host
    retired_at    timestamptz,
    retired_by    bigint REFERENCES account(id),
    retire_reason text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT goal_retire_reason CHECK ((retired_at IS NULL) = (retire_reason IS NULL))
);
CREATE INDEX goal_project_idx ON goal (project_id, id);

-- One version of a goal, SMART: specific (statement), measurable
-- (indicator, baseline, target value and unit), accepted (state),
-- realistic (the support group's judgement, in the note) and timed (due
-- date).  Figures are exact decimals, never floating point.
CREATE TABLE goal_version (
    goal_id       bigint NOT NULL REFERENCES goal(id),
    version       bigint NOT NULL,                 -- 1, 2, ... per goal
    statement     text NOT NULL,
    indicator     text NOT NULL,
    baseline      numeric(18,4),                   -- NULL: not known
    target_value  numeric(18,4) NOT NULL,
    unit          text NOT NULL,
    due_date      date NOT NULL,
    note          text NOT NULL DEFAULT '',        -- why it was set or changed
    state         text NOT NULL CONSTRAINT goal_version_state_check
                      CHECK (state IN ('proposed', 'accepted')),
    proposed_by   bigint REFERENCES account(id),   -- who wrote it; NULL: the host
    created_at    timestamptz NOT NULL DEFAULT now(),
    accepted_by   bigint REFERENCES account(id),
    accepted_at   timestamptz,
    PRIMARY KEY (goal_id, version),
    CONSTRAINT goal_version_statement_check CHECK (length(statement) BETWEEN 1 AND 2000),
    CONSTRAINT goal_version_indicator_check CHECK (length(indicator) BETWEEN 1 AND 500),
    CONSTRAINT goal_version_unit_check CHECK (length(unit) BETWEEN 1 AND 50),
    CONSTRAINT goal_version_note_check CHECK (length(note) <= 2000),
    CONSTRAINT goal_version_accepted_check CHECK ((state = 'accepted') = (accepted_at IS NOT NULL))
);

CREATE TABLE progress_update (
    id                bigserial PRIMARY KEY,
    project_id        bigint NOT NULL REFERENCES project(id),
    version           bigint NOT NULL DEFAULT 1,
    period_from       date NOT NULL,               -- the reporting period, inclusive
    period_to         date NOT NULL,
    narrative         text NOT NULL,               -- what happened, in the coordination's words
    events            text NOT NULL DEFAULT '',    -- events held
    participation     text NOT NULL DEFAULT '',    -- who took part, how many
    topics            text NOT NULL DEFAULT '',    -- topics raised in the quarter
    state             text NOT NULL CONSTRAINT progress_update_state_check
                          CHECK (state IN ('submitted', 'approved', 'returned')),
    submitted_by      bigint REFERENCES account(id), -- first submission; NULL: the host
    submitted_at      timestamptz NOT NULL DEFAULT now(),
    last_submitted_by bigint REFERENCES account(id), -- the submission under review
    reviewed_by       bigint REFERENCES account(id), -- decision on the current submission
    reviewed_at       timestamptz,
    review_comment    text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT progress_update_period_ordered CHECK (period_to >= period_from),
    CONSTRAINT progress_update_narrative_check CHECK (length(narrative) BETWEEN 1 AND 20000),
    CONSTRAINT progress_update_reviewed_check CHECK ((state = 'submitted') = (reviewed_at IS NULL)),
    CONSTRAINT progress_update_not_self_reviewed CHECK (
        reviewed_by IS NULL
        OR (reviewed_by IS DISTINCT FROM submitted_by
            AND reviewed_by IS DISTINCT FROM last_submitted_by))
);
CREATE INDEX progress_update_project_idx ON progress_update (project_id, period_from, id);

-- The actual value of one goal's indicator in an update, reported against
-- the goal's accepted version at the time (its unit and target).
CREATE TABLE progress_value (
    update_id     bigint NOT NULL REFERENCES progress_update(id),
    goal_id       bigint NOT NULL REFERENCES goal(id),
    goal_version  bigint NOT NULL,
    actual_value  numeric(18,4) NOT NULL,
    note          text NOT NULL DEFAULT '',
    PRIMARY KEY (update_id, goal_id),
    FOREIGN KEY (goal_id, goal_version) REFERENCES goal_version (goal_id, version)
);
CREATE INDEX progress_value_goal_idx ON progress_value (goal_id);

-- Who did what to an update and when: submissions, revisions, approvals,
-- returns with their comments.
CREATE TABLE progress_update_event (
    id          bigserial PRIMARY KEY,
    update_id   bigint NOT NULL REFERENCES progress_update(id),
    action      text NOT NULL CONSTRAINT progress_update_event_action_check
                    CHECK (action IN ('submit', 'revise', 'approve', 'return')),
    account_id  bigint REFERENCES account(id),     -- NULL: the host
    comment     text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX progress_update_event_update_idx ON progress_update_event (update_id, id);

-- ----------------------------------------------------------------------
--  Evidence stays: the rules above, for anyone with SQL access too.
-- ----------------------------------------------------------------------

CREATE FUNCTION qt_goal_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% of % refused: goals, their versions and approved updates are evidence',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'Q0412';
END $$;

-- A version changes once: a proposal is accepted, nothing else moves.
CREATE FUNCTION qt_goal_version_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.state = 'proposed' AND NEW.state = 'accepted'
       AND (NEW.goal_id, NEW.version, NEW.statement, NEW.indicator, NEW.baseline,
            NEW.target_value, NEW.unit, NEW.due_date, NEW.note, NEW.proposed_by, NEW.created_at)
           IS NOT DISTINCT FROM
           (OLD.goal_id, OLD.version, OLD.statement, OLD.indicator, OLD.baseline,
            OLD.target_value, OLD.unit, OLD.due_date, OLD.note, OLD.proposed_by, OLD.created_at)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'goal versions are evidence: % refused (only a proposal is accepted, once)',
        TG_OP USING ERRCODE = 'Q0412';
END $$;

-- Updates change until they are approved; values go with their update.
CREATE FUNCTION qt_progress_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    approved boolean;
BEGIN
    IF TG_TABLE_NAME = 'progress_update' THEN
        approved := OLD.state = 'approved';
    ELSE
        SELECT u.state = 'approved' INTO approved FROM progress_update u WHERE u.id = OLD.update_id;
    END IF;
    IF coalesce(approved, false) OR (TG_OP = 'DELETE' AND TG_TABLE_NAME = 'progress_update') THEN
        RAISE EXCEPTION '% of % refused: approved updates are never changed, updates never deleted',
            TG_OP, TG_TABLE_NAME USING ERRCODE = 'Q0412';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER goal_no_delete BEFORE DELETE ON goal
    FOR EACH ROW EXECUTE FUNCTION qt_goal_refuse_change();
CREATE TRIGGER goal_version_immutable BEFORE UPDATE OR DELETE ON goal_version
    FOR EACH ROW EXECUTE FUNCTION qt_goal_version_guard();
CREATE TRIGGER progress_update_kept BEFORE UPDATE OR DELETE ON progress_update
    FOR EACH ROW EXECUTE FUNCTION qt_progress_guard();
CREATE TRIGGER progress_value_kept BEFORE UPDATE OR DELETE ON progress_value
    FOR EACH ROW EXECUTE FUNCTION qt_progress_guard();
CREATE TRIGGER progress_update_event_immutable BEFORE UPDATE OR DELETE ON progress_update_event
    FOR EACH ROW EXECUTE FUNCTION qt_goal_refuse_change();
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['goal', 'goal_version', 'progress_update', 'progress_value',
                             'progress_update_event'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT '
                       'EXECUTE FUNCTION qt_goal_refuse_change()', t || '_no_truncate', t);
    END LOOP;
END $$;

-- ----------------------------------------------------------------------
--  Views, as the protocol returns the records
-- ----------------------------------------------------------------------

-- Every version of every goal with the goal's own columns; is_current
-- marks the newest version, is_accepted the newest accepted one (the one
-- that counts).  server/goal.c groups the rows by goal.
CREATE VIEW goal_version_v AS
SELECT g.id AS goal_id, g.project_id, p.name AS project_name, g.version AS goal_version,
       extract(epoch FROM g.retired_at)::bigint AS retired_at, g.retired_by, g.retire_reason,
       extract(epoch FROM g.created_at)::bigint AS created_at,
       extract(epoch FROM g.updated_at)::bigint AS updated_at,
       v.version, v.statement, v.indicator, trim_scale(v.baseline)::text AS baseline,
       trim_scale(v.target_value)::text AS target_value, v.unit, v.due_date::text AS due_date,
       v.note, v.state, v.proposed_by, pa.display_name AS proposed_by_name,
       extract(epoch FROM v.created_at)::bigint AS proposed_at,
       v.accepted_by, aa.display_name AS accepted_by_name,
       extract(epoch FROM v.accepted_at)::bigint AS accepted_at,
       v.version = g.version AS is_current,
       coalesce(v.version = (SELECT max(a.version) FROM goal_version a
                              WHERE a.goal_id = g.id AND a.state = 'accepted'), false)
           AS is_accepted
  FROM goal g
  JOIN project p ON p.id = g.project_id
  JOIN goal_version v ON v.goal_id = g.id
  LEFT JOIN account pa ON pa.id = v.proposed_by
  LEFT JOIN account aa ON aa.id = v.accepted_by;

-- An update with its values, its history of events and what permissions
-- depend on (the project's lead offices and coordinators, and everyone
-- who submitted or revised it), as arrays in stable order.
CREATE VIEW progress_update_v AS
SELECT u.id, u.project_id, p.name AS project_name, u.version,
       u.period_from::text AS period_from, u.period_to::text AS period_to, u.state,
       u.narrative, u.events, u.participation, u.topics,
       u.submitted_by, sa.display_name AS submitted_by_name,
       extract(epoch FROM u.submitted_at)::bigint AS submitted_at,
       u.reviewed_by, ra.display_name AS reviewed_by_name,
       extract(epoch FROM u.reviewed_at)::bigint AS reviewed_at, u.review_comment,
       extract(epoch FROM u.created_at)::bigint AS created_at,
       extract(epoch FROM u.updated_at)::bigint AS updated_at,
       ARRAY(SELECT v.goal_id FROM progress_value v
              WHERE v.update_id = u.id ORDER BY v.goal_id) AS value_goal_ids,
       ARRAY(SELECT v.goal_version FROM progress_value v
              WHERE v.update_id = u.id ORDER BY v.goal_id) AS value_goal_versions,
       ARRAY(SELECT trim_scale(v.actual_value)::text FROM progress_value v
              WHERE v.update_id = u.id ORDER BY v.goal_id) AS value_actuals,
       ARRAY(SELECT v.note FROM progress_value v
              WHERE v.update_id = u.id ORDER BY v.goal_id) AS value_notes,
       ARRAY(SELECT gv.indicator FROM progress_value v
               JOIN goal_version gv ON gv.goal_id = v.goal_id AND gv.version = v.goal_version
              WHERE v.update_id = u.id ORDER BY v.goal_id) AS value_indicators,
       ARRAY(SELECT gv.unit FROM progress_value v
               JOIN goal_version gv ON gv.goal_id = v.goal_id AND gv.version = v.goal_version
              WHERE v.update_id = u.id ORDER BY v.goal_id) AS value_units,
       ARRAY(SELECT trim_scale(gv.target_value)::text FROM progress_value v
               JOIN goal_version gv ON gv.goal_id = v.goal_id AND gv.version = v.goal_version
              WHERE v.update_id = u.id ORDER BY v.goal_id) AS value_targets,
       ARRAY(SELECT e.action FROM progress_update_event e
              WHERE e.update_id = u.id ORDER BY e.id) AS event_actions,
       ARRAY(SELECT coalesce(e.account_id, 0) FROM progress_update_event e
              WHERE e.update_id = u.id ORDER BY e.id) AS event_account_ids,
       ARRAY(SELECT coalesce(a.display_name, '') FROM progress_update_event e
               LEFT JOIN account a ON a.id = e.account_id
              WHERE e.update_id = u.id ORDER BY e.id) AS event_account_names,
       ARRAY(SELECT extract(epoch FROM e.at)::bigint FROM progress_update_event e
              WHERE e.update_id = u.id ORDER BY e.id) AS event_ats,
       ARRAY(SELECT e.comment FROM progress_update_event e
              WHERE e.update_id = u.id ORDER BY e.id) AS event_comments,
       ARRAY(SELECT DISTINCT e.account_id FROM progress_update_event e
              WHERE e.update_id = u.id AND e.action IN ('submit', 'revise')
                AND e.account_id IS NOT NULL ORDER BY 1) AS submitter_ids,
       ARRAY(SELECT lo.office_id FROM project_lead_office lo
              WHERE lo.project_id = u.project_id ORDER BY 1) AS lead_office_ids,
       ARRAY(SELECT pc.account_id FROM project_coordinator pc
              WHERE pc.project_id = u.project_id ORDER BY 1) AS coordinator_ids
  FROM progress_update u
  JOIN project p ON p.id = u.project_id
  LEFT JOIN account sa ON sa.id = u.submitted_by
  LEFT JOIN account ra ON ra.id = u.reviewed_by;

CREATE FUNCTION qt_goal_snapshot(p_goal bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT to_jsonb(g) || jsonb_build_object(
               'versions', coalesce((SELECT jsonb_agg(to_jsonb(v) - 'goal_id' ORDER BY v.version)
                                       FROM goal_version v WHERE v.goal_id = g.id), '[]'))
      FROM goal g WHERE g.id = p_goal
$$;

CREATE FUNCTION qt_progress_snapshot(p_update bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT to_jsonb(u) || jsonb_build_object(
               'values', coalesce((SELECT jsonb_agg(to_jsonb(v) - 'update_id' ORDER BY v.goal_id)
                                     FROM progress_value v WHERE v.update_id = u.id), '[]'))
      FROM progress_update u WHERE u.id = p_update
$$;

-- ----------------------------------------------------------------------
--  Goals
-- ----------------------------------------------------------------------

-- A new goal with its first version, proposed or accepted (the server
-- decides which from the actor: server/perm.c).
CREATE FUNCTION qt_goal_create(p_actor bigint, p_project bigint, p_state text,
    p_statement text, p_indicator text, p_baseline numeric, p_target numeric, p_unit text,
    p_due date, p_note text)
RETURNS SETOF goal_version_v LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM 1 FROM project WHERE id = p_project;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown project %', p_project USING ERRCODE = 'Q0400', COLUMN = 'project_id';
    END IF;
    INSERT INTO goal (project_id, created_by) VALUES (p_project, p_actor) RETURNING id INTO new_id;
    INSERT INTO goal_version (goal_id, version, statement, indicator, baseline, target_value, unit,
                              due_date, note, state, proposed_by, accepted_by, accepted_at)
    VALUES (new_id, 1, p_statement, p_indicator, p_baseline, p_target, p_unit, p_due,
            coalesce(p_note, ''), p_state, p_actor,
            CASE WHEN p_state = 'accepted' THEN p_actor END,
            CASE WHEN p_state = 'accepted' THEN now() END);
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'goal.create', 'goal', new_id, NULL, qt_goal_snapshot(new_id));
    RETURN QUERY SELECT * FROM goal_version_v WHERE goal_id = new_id ORDER BY version;
END $$;

-- Locks a goal that may still change and checks the version read.
CREATE FUNCTION qt_goal_lock(p_goal bigint, p_expected bigint) RETURNS goal
LANGUAGE plpgsql AS $$
DECLARE
    cur goal%ROWTYPE;
BEGIN
    SELECT * INTO cur FROM goal WHERE id = p_goal FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'goal % does not exist', p_goal USING ERRCODE = 'Q0404', COLUMN = 'id';
    END IF;
    IF cur.retired_at IS NOT NULL THEN
        RAISE EXCEPTION 'goal % was retired on %; it does not change any more', p_goal,
            cur.retired_at::date USING ERRCODE = 'Q0412', COLUMN = 'id';
    END IF;
    IF cur.version <> p_expected THEN
        RAISE EXCEPTION 'goal % is at version %, not %', p_goal, cur.version, p_expected
            USING ERRCODE = 'Q0409', COLUMN = 'expected_version';
    END IF;
    RETURN cur;
END $$;

-- A new version on top of the newest one: NULL arguments keep the newest
-- version's value (p_set_baseline with NULL clears the baseline).
CREATE FUNCTION qt_goal_change(p_actor bigint, p_goal bigint, p_expected bigint, p_state text,
    p_statement text, p_indicator text, p_set_baseline boolean, p_baseline numeric,
    p_target numeric, p_unit text, p_due date, p_note text)
RETURNS SETOF goal_version_v LANGUAGE plpgsql AS $$
DECLARE
    cur goal%ROWTYPE;
    v goal_version%ROWTYPE;
    before_json jsonb;
BEGIN
    cur := qt_goal_lock(p_goal, p_expected);
    SELECT * INTO v FROM goal_version WHERE goal_id = p_goal AND version = cur.version;
    before_json := qt_goal_snapshot(p_goal);
    INSERT INTO goal_version (goal_id, version, statement, indicator, baseline, target_value, unit,
                              due_date, note, state, proposed_by, accepted_by, accepted_at)
    VALUES (p_goal, cur.version + 1, coalesce(p_statement, v.statement),
            coalesce(p_indicator, v.indicator),
            CASE WHEN p_set_baseline THEN p_baseline ELSE v.baseline END,
            coalesce(p_target, v.target_value), coalesce(p_unit, v.unit),
            coalesce(p_due, v.due_date), coalesce(p_note, ''), p_state, p_actor,
            CASE WHEN p_state = 'accepted' THEN p_actor END,
            CASE WHEN p_state = 'accepted' THEN now() END);
    UPDATE goal SET version = version + 1, updated_at = now() WHERE id = p_goal;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'goal.change', 'goal', p_goal, before_json, qt_goal_snapshot(p_goal));
    RETURN QUERY SELECT * FROM goal_version_v WHERE goal_id = p_goal ORDER BY version;
END $$;

-- Accepts the newest version, which must be a proposal.
CREATE FUNCTION qt_goal_accept(p_actor bigint, p_goal bigint, p_expected bigint)
RETURNS SETOF goal_version_v LANGUAGE plpgsql AS $$
DECLARE
    cur goal%ROWTYPE;
    before_json jsonb;
BEGIN
    cur := qt_goal_lock(p_goal, p_expected);
    PERFORM 1 FROM goal_version WHERE goal_id = p_goal AND version = cur.version
                                  AND state = 'proposed';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'version % of goal % is accepted already', cur.version, p_goal
            USING ERRCODE = 'Q0412', COLUMN = 'id';
    END IF;
    before_json := qt_goal_snapshot(p_goal);
    UPDATE goal_version SET state = 'accepted', accepted_by = p_actor, accepted_at = now()
     WHERE goal_id = p_goal AND version = cur.version;
    UPDATE goal SET updated_at = now() WHERE id = p_goal;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'goal.accept', 'goal', p_goal, before_json, qt_goal_snapshot(p_goal));
    RETURN QUERY SELECT * FROM goal_version_v WHERE goal_id = p_goal ORDER BY version;
END $$;

CREATE FUNCTION qt_goal_retire(p_actor bigint, p_goal bigint, p_expected bigint, p_reason text)
RETURNS SETOF goal_version_v LANGUAGE plpgsql AS $$
DECLARE
    cur goal%ROWTYPE;
    before_json jsonb;
BEGIN
    cur := qt_goal_lock(p_goal, p_expected);
    IF coalesce(p_reason, '') = '' THEN
        RAISE EXCEPTION 'retiring a goal needs a reason' USING ERRCODE = 'Q0400', COLUMN = 'reason';
    END IF;
    before_json := qt_goal_snapshot(p_goal);
    UPDATE goal SET retired_at = now(), retired_by = p_actor, retire_reason = p_reason,
                    updated_at = now()
     WHERE id = p_goal;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'goal.retire', 'goal', p_goal, before_json, qt_goal_snapshot(p_goal));
    RETURN QUERY SELECT * FROM goal_version_v WHERE goal_id = p_goal ORDER BY version;
END $$;

-- ----------------------------------------------------------------------
--  Progress updates
-- ----------------------------------------------------------------------

-- Checks an update's period and values and stores the values; p_goals,
-- p_values and p_notes are parallel arrays.  A value belongs to a goal of
-- the project with an accepted version, not retired before the period
-- began, and is reported against that accepted version.
CREATE FUNCTION qt_progress_put_values(p_update bigint, p_project bigint, p_from date, p_to date,
    p_goals bigint[], p_values numeric[], p_notes text[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    bad bigint;
BEGIN
    IF p_to < p_from THEN
        RAISE EXCEPTION 'period_to % lies before period_from %', p_to, p_from
            USING ERRCODE = 'Q0400', COLUMN = 'period_to';
    END IF;
    IF cardinality(p_goals) IS DISTINCT FROM cardinality(p_values)
       OR cardinality(p_goals) IS DISTINCT FROM cardinality(p_notes) THEN
        RAISE EXCEPTION 'the value arrays differ in length' USING ERRCODE = 'Q0400', COLUMN = 'values';
    END IF;
    SELECT x INTO bad FROM unnest(p_goals) x GROUP BY x HAVING count(*) > 1 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'goal % has more than one value', bad
            USING ERRCODE = 'Q0400', COLUMN = 'values.goal_id';
    END IF;
    SELECT x INTO bad FROM unnest(p_goals) x
     WHERE NOT EXISTS (SELECT 1 FROM goal g WHERE g.id = x AND g.project_id = p_project) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'goal % is not a goal of project %', bad, p_project
            USING ERRCODE = 'Q0400', COLUMN = 'values.goal_id';
    END IF;
    SELECT x INTO bad FROM unnest(p_goals) x
     WHERE NOT EXISTS (SELECT 1 FROM goal_version v WHERE v.goal_id = x AND v.state = 'accepted')
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'goal % has no accepted version yet', bad
            USING ERRCODE = 'Q0400', COLUMN = 'values.goal_id';
    END IF;
    SELECT x INTO bad FROM unnest(p_goals) x JOIN goal g ON g.id = x
     WHERE g.retired_at IS NOT NULL AND g.retired_at::date < p_from LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'goal % was retired before the period began', bad
            USING ERRCODE = 'Q0400', COLUMN = 'values.goal_id';
    END IF;
    INSERT INTO progress_value (update_id, goal_id, goal_version, actual_value, note)
    SELECT p_update, u.goal,
           (SELECT max(v.version) FROM goal_version v WHERE v.goal_id = u.goal AND v.state = 'accepted'),
           u.val, coalesce(u.note, '')
      FROM unnest(p_goals, p_values, p_notes) AS u(goal, val, note);
END $$;

CREATE FUNCTION qt_progress_submit(p_actor bigint, p_project bigint, p_from date, p_to date,
    p_narrative text, p_events text, p_participation text, p_topics text,
    p_goals bigint[], p_values numeric[], p_notes text[])
RETURNS SETOF progress_update_v LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM 1 FROM project WHERE id = p_project;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown project %', p_project USING ERRCODE = 'Q0400', COLUMN = 'project_id';
    END IF;
    IF p_to < p_from THEN
        RAISE EXCEPTION 'period_to % lies before period_from %', p_to, p_from
            USING ERRCODE = 'Q0400', COLUMN = 'period_to';
    END IF;
    INSERT INTO progress_update (project_id, period_from, period_to, narrative, events,
                                 participation, topics, state, submitted_by, last_submitted_by)
    VALUES (p_project, p_from, p_to, p_narrative, coalesce(p_events, ''),
            coalesce(p_participation, ''), coalesce(p_topics, ''), 'submitted', p_actor, p_actor)
    RETURNING id INTO new_id;
    PERFORM qt_progress_put_values(new_id, p_project, p_from, p_to, p_goals, p_values, p_notes);
    INSERT INTO progress_update_event (update_id, action, account_id) VALUES (new_id, 'submit', p_actor);
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'progress_update.submit', 'progress_update', new_id, NULL,
            qt_progress_snapshot(new_id));
    RETURN QUERY SELECT * FROM progress_update_v WHERE id = new_id;
END $$;

-- Locks an update and checks the version read.
CREATE FUNCTION qt_progress_lock(p_update bigint, p_expected bigint) RETURNS progress_update
LANGUAGE plpgsql AS $$
DECLARE
    cur progress_update%ROWTYPE;
BEGIN
    SELECT * INTO cur FROM progress_update WHERE id = p_update FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'update % does not exist', p_update USING ERRCODE = 'Q0404', COLUMN = 'id';
    END IF;
    IF cur.version <> p_expected THEN
        RAISE EXCEPTION 'update % is at version %, not %', p_update, cur.version, p_expected
            USING ERRCODE = 'Q0409', COLUMN = 'expected_version';
    END IF;
    RETURN cur;
END $$;

-- Replaces a returned update's period, texts and values as a whole and
-- submits it again.
CREATE FUNCTION qt_progress_revise(p_actor bigint, p_update bigint, p_expected bigint,
    p_from date, p_to date, p_narrative text, p_events text, p_participation text,
    p_topics text, p_goals bigint[], p_values numeric[], p_notes text[])
RETURNS SETOF progress_update_v LANGUAGE plpgsql AS $$
DECLARE
    cur progress_update%ROWTYPE;
    before_json jsonb;
BEGIN
    cur := qt_progress_lock(p_update, p_expected);
    IF cur.state <> 'returned' THEN
        RAISE EXCEPTION 'only a returned update is revised; update % is %', p_update, cur.state
            USING ERRCODE = 'Q0412', COLUMN = 'id';
    END IF;
    before_json := qt_progress_snapshot(p_update);
    UPDATE progress_update
       SET period_from = p_from, period_to = p_to, narrative = p_narrative,
           events = coalesce(p_events, ''), participation = coalesce(p_participation, ''),
           topics = coalesce(p_topics, ''), state = 'submitted', last_submitted_by = p_actor,
           reviewed_by = NULL, reviewed_at = NULL, review_comment = NULL,
           version = version + 1, updated_at = now()
     WHERE id = p_update;
    DELETE FROM progress_value WHERE update_id = p_update;
    PERFORM qt_progress_put_values(p_update, cur.project_id, p_from, p_to, p_goals, p_values,
                                   p_notes);
    INSERT INTO progress_update_event (update_id, action, account_id)
    VALUES (p_update, 'revise', p_actor);
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'progress_update.revise', 'progress_update', p_update, before_json,
            qt_progress_snapshot(p_update));
    RETURN QUERY SELECT * FROM progress_update_v WHERE id = p_update;
END $$;

-- Approves or returns a submitted update.  Nobody reviews an update they
-- submitted or revised, whatever their role.
CREATE FUNCTION qt_progress_review(p_actor bigint, p_update bigint, p_expected bigint,
    p_decision text, p_comment text)
RETURNS SETOF progress_update_v LANGUAGE plpgsql AS $$
DECLARE
    cur progress_update%ROWTYPE;
    before_json jsonb;
BEGIN
    cur := qt_progress_lock(p_update, p_expected);
    IF p_decision NOT IN ('approve', 'return') THEN
        RAISE EXCEPTION 'unknown decision %', p_decision USING ERRCODE = 'Q0400', COLUMN = 'decision';
    END IF;
    IF cur.state <> 'submitted' THEN
        RAISE EXCEPTION 'only a submitted update is reviewed; update % is %', p_update, cur.state
            USING ERRCODE = 'Q0412', COLUMN = 'id';
    END IF;
    IF p_actor IS NOT NULL AND EXISTS (
           SELECT 1 FROM progress_update_event e
            WHERE e.update_id = p_update AND e.action IN ('submit', 'revise')
              AND e.account_id = p_actor) THEN
        RAISE EXCEPTION 'nobody reviews an update they submitted or revised'
            USING ERRCODE = 'Q0403', COLUMN = 'id';
    END IF;
    IF p_decision = 'return' AND coalesce(p_comment, '') = '' THEN
        RAISE EXCEPTION 'returning an update needs a comment'
            USING ERRCODE = 'Q0400', COLUMN = 'comment';
    END IF;
    before_json := qt_progress_snapshot(p_update);
    UPDATE progress_update
       SET state = CASE p_decision WHEN 'approve' THEN 'approved' ELSE 'returned' END,
           reviewed_by = p_actor, reviewed_at = now(), review_comment = nullif(p_comment, ''),
           version = version + 1, updated_at = now()
     WHERE id = p_update;
    INSERT INTO progress_update_event (update_id, action, account_id, comment)
    VALUES (p_update, p_decision, p_actor, coalesce(p_comment, ''));
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'progress_update.' || p_decision, 'progress_update', p_update, before_json,
            qt_progress_snapshot(p_update));
    RETURN QUERY SELECT * FROM progress_update_v WHERE id = p_update;
END $$;
