-- Personal data of persons under the GDPR: the copy of everything stored
-- about one person (Art. 15) and its erasure (Art. 17).
--
-- Erasure keeps the person row, so that memberships, meeting participation
-- and the audit log keep referring to it (the public-task exception of
-- Art. 17(3)(b) and (e), see the README), but removes what identifies or
-- reaches the human being: the name becomes a pseudonym derived from the
-- id, function, e-mail and phone are removed, an account link is dropped,
-- and erased_at marks the row.  The same transaction redacts the copies of
-- those values in the audit snapshots and in the stored answers of client
-- mutations, and puts every record that carries the person's name into the
-- change feed, so every replica receives the pseudonymised version.
-- SQLSTATEs as in 0001: Q0400 invalid argument with COLUMN, Q0404 not
-- found, Q0412 failed precondition.

ALTER TABLE person ADD COLUMN erased_at timestamptz;  -- NULL: not erased

-- The name an erased person keeps: stable, and saying nothing but the id.
CREATE FUNCTION qt_person_pseudonym(p_id bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'Person ' || p_id || ' (gelöscht)'
$$;

-- An erased person stays erased: its name, function, contact data and
-- account link cannot be set again, and it joins no support group and no
-- meeting any more.  (Its office or organisation may still be corrected.)
CREATE FUNCTION qt_person_erased_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'person' THEN
        IF OLD.erased_at IS NOT NULL AND (
               NEW.name IS DISTINCT FROM OLD.name OR NEW.function IS DISTINCT FROM OLD.function
               OR NEW.email IS DISTINCT FROM OLD.email OR NEW.phone IS DISTINCT FROM OLD.phone
               OR NEW.account_id IS DISTINCT FROM OLD.account_id
               OR NEW.erased_at IS DISTINCT FROM OLD.erased_at) THEN
            RAISE EXCEPTION 'person % was erased; its name, function, contact data and account '
                            'link cannot be set again', OLD.id
                USING ERRCODE = 'Q0412', COLUMN = 'id';
        END IF;
    ELSIF TG_TABLE_NAME = 'membership' THEN
        IF EXISTS (SELECT 1 FROM person p WHERE p.id = NEW.person_id AND p.erased_at IS NOT NULL) THEN
            RAISE EXCEPTION 'person % was erased; it cannot join a support group', NEW.person_id
                USING ERRCODE = 'Q0412', COLUMN = 'person_id';
        END IF;
    ELSIF NEW.person_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM person p WHERE p.id = NEW.person_id AND p.erased_at IS NOT NULL)
          -- setting the participants again keeps an erased one invited
          AND NOT EXISTS (SELECT 1 FROM meeting_participant x
                           WHERE x.meeting_id = NEW.meeting_id AND x.person_id = NEW.person_id) THEN
        RAISE EXCEPTION 'person % was erased; it cannot be invited', NEW.person_id
            USING ERRCODE = 'Q0412', COLUMN = 'participant_person_ids';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER person_erased_guard BEFORE UPDATE ON person
    FOR EACH ROW EXECUTE FUNCTION qt_person_erased_guard();
CREATE TRIGGER membership_erased_guard BEFORE INSERT OR UPDATE OF person_id ON membership
    FOR EACH ROW EXECUTE FUNCTION qt_person_erased_guard();
CREATE TRIGGER meeting_participant_erased_guard
    BEFORE INSERT OR UPDATE OF person_id ON meeting_participant
    FOR EACH ROW EXECUTE FUNCTION qt_person_erased_guard();

-- A string as protobuf encodes a string field's value: its length as a
-- varint, then its UTF-8 bytes (values up to 16383 bytes).  Used to find
-- stored answers that carry a value as a whole field.
CREATE FUNCTION qt_pb_string(s text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT CASE WHEN n < 128 THEN set_byte('\x00'::bytea, 0, n)
                ELSE set_byte(set_byte('\x0000'::bytea, 0, (n & 127) | 128), 1, n >> 7) END
           || b
      FROM (SELECT convert_to(s, 'UTF8') AS b, octet_length(convert_to(s, 'UTF8')) AS n) x
$$;

-- The audit rows holding personal data of person p: its own rows (which
-- hold its name, function and contact data), those of its memberships
-- (its name) and those of meetings it was invited to (its name among the
-- participants).
CREATE FUNCTION qt_person_audit_ids(p bigint) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(a.id ORDER BY a.id), '{}') FROM audit a
     WHERE (a.before IS NOT NULL OR a.after IS NOT NULL)
       AND ((a.entity = 'person' AND a.entity_id = p)
         OR (a.entity = 'membership'
             AND a.entity_id IN (SELECT m.id FROM membership m WHERE m.person_id = p))
         OR (a.entity = 'meeting'
             AND (coalesce(a.before->'participant_person_ids', '[]') @> jsonb_build_array(p)
               OR coalesce(a.after->'participant_person_ids', '[]') @> jsonb_build_array(p))))
$$;

-- One audit snapshot (of an entity as above) with person p's data
-- redacted: in the person's own snapshots the name becomes the pseudonym
-- and function, e-mail and phone are removed; in membership and meeting
-- snapshots the person's name becomes the pseudonym.  A snapshot that
-- changed gets note appended to its "_redacted" list; one holding nothing
-- of the person comes back unchanged.
CREATE FUNCTION qt_audit_redact_person(p_entity text, p_doc jsonb, p bigint, p_pseudonym text,
                                       p_note jsonb)
RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    d jsonb := p_doc;
    ids jsonb;
BEGIN
    IF p_doc IS NULL OR jsonb_typeof(p_doc) <> 'object' THEN
        RETURN p_doc;
    END IF;
    IF p_entity = 'person' AND (d->>'id')::bigint = p THEN
        IF d ? 'name' THEN d := jsonb_set(d, '{name}', to_jsonb(p_pseudonym)); END IF;
        IF d ? 'function' THEN d := jsonb_set(d, '{function}', 'null'); END IF;
        IF d ? 'email' THEN d := jsonb_set(d, '{email}', 'null'); END IF;
        IF d ? 'phone' THEN d := jsonb_set(d, '{phone}', 'null'); END IF;
    ELSIF p_entity = 'membership' AND (d->>'person_id')::bigint = p AND d ? 'person_name' THEN
        d := jsonb_set(d, '{person_name}', to_jsonb(p_pseudonym));
    ELSIF p_entity = 'meeting' AND jsonb_typeof(d->'participant_person_ids') = 'array'
          AND jsonb_typeof(d->'participant_person_names') = 'array' THEN
        ids := d->'participant_person_ids';
        FOR i IN 0 .. jsonb_array_length(ids) - 1 LOOP
            IF (ids->>i)::bigint = p AND i < jsonb_array_length(d->'participant_person_names') THEN
                d := jsonb_set(d, ARRAY['participant_person_names', i::text],
                               to_jsonb(p_pseudonym));
            END IF;
        END LOOP;
    END IF;
    IF d = p_doc THEN
        RETURN p_doc;
    END IF;
    RETURN d || jsonb_build_object('_redacted',
                   coalesce(p_doc->'_redacted', '[]'::jsonb) || jsonb_build_array(p_note));
END
$$;

-- Everything stored about person p_id, as one JSON document (Art. 15);
-- the export itself is audited (person.export, without content).
CREATE FUNCTION qt_person_export(p_actor bigint, p_id bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    acct bigint;
    audit_ids bigint[];
    doc jsonb;
BEGIN
    SELECT p.account_id INTO acct FROM person p WHERE p.id = p_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'person % does not exist', p_id USING ERRCODE = 'Q0404', COLUMN = 'id';
    END IF;
    audit_ids := qt_person_audit_ids(p_id);
    doc := jsonb_build_object(
        'format', 'quartier-person-export/1',
        'legal_basis', 'GDPR Art. 15 (right of access)',
        'generated_at', now(),
        'person', (SELECT to_jsonb(p) || jsonb_build_object('office_name', f.name,
                                                            'organisation_name', o.name)
                     FROM person p
                     LEFT JOIN office f ON f.id = p.office_id
                     LEFT JOIN organisation o ON o.id = p.organisation_id
                    WHERE p.id = p_id),
        'memberships', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                   'id', m.id, 'project_id', m.project_id,
                                   'project_name', pr.name, 'role', m.role,
                                   'on_behalf_of_id', m.on_behalf_of_id,
                                   'on_behalf_of_name', o.name,
                                   'deputy_of_id', m.deputy_of_id,
                                   'start_date', m.start_date, 'end_date', m.end_date,
                                   'created_at', m.created_at, 'updated_at', m.updated_at)
                               ORDER BY m.start_date, m.id), '[]')
                          FROM membership m
                          JOIN project pr ON pr.id = m.project_id
                          LEFT JOIN organisation o ON o.id = m.on_behalf_of_id
                         WHERE m.person_id = p_id),
        'deputised_by', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                    'membership_id', m.id, 'project_id', m.project_id,
                                    'project_name', pr.name, 'person_id', m.person_id,
                                    'start_date', m.start_date, 'end_date', m.end_date)
                                ORDER BY m.start_date, m.id), '[]')
                           FROM membership m JOIN project pr ON pr.id = m.project_id
                          WHERE m.deputy_of_id = p_id),
        'meetings', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                'meeting_id', m.id, 'title', m.title, 'status', m.status,
                                'starts_at', m.starts_at, 'place', m.place,
                                'organiser_office', f.name, 'attended', mp.attended)
                            ORDER BY m.starts_at, m.id), '[]')
                       FROM meeting_participant mp
                       JOIN meeting m ON m.id = mp.meeting_id
                       JOIN office f ON f.id = m.organiser_office_id
                      WHERE mp.person_id = p_id),
        'account', (SELECT jsonb_build_object(
                        'id', a.id, 'login', a.login, 'display_name', a.display_name,
                        'role', a.role, 'office_id', a.office_id,
                        'organisation_id', a.organisation_id, 'district_id', a.district_id,
                        'disabled', a.disabled, 'created_at', a.created_at,
                        'sessions', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                             'created_at', s.created_at,
                                             'expires_at', s.expires_at,
                                             'revoked_at', s.revoked_at,
                                             'client_name', s.client_name)
                                         ORDER BY s.created_at), '[]')
                                       FROM session s WHERE s.account_id = a.id),
                        'coordinated_projects', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                                         'id', pr.id, 'name', pr.name)
                                                     ORDER BY pr.id), '[]')
                                                   FROM project_coordinator pc
                                                   JOIN project pr ON pr.id = pc.project_id
                                                  WHERE pc.account_id = a.id),
                        -- what the account did, by action (the records
                        -- changed are the registry's, not the person's)
                        'actions', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                            'action', x.action, 'count', x.n,
                                            'first_at', x.first_at, 'last_at', x.last_at)
                                        ORDER BY x.action), '[]')
                                      FROM (SELECT au.action, count(*) AS n,
                                                   min(au.at) AS first_at, max(au.at) AS last_at
                                              FROM audit au WHERE au.account_id = a.id
                                             GROUP BY au.action) x))
                      FROM account a WHERE a.id = acct),
        'audit', (SELECT coalesce(jsonb_agg(
                             jsonb_build_object('id', a.id, 'at', a.at,
                                                'account_id', a.account_id, 'action', a.action,
                                                'entity', a.entity, 'entity_id', a.entity_id)
                             || CASE WHEN a.entity = 'meeting'
                                     THEN jsonb_build_object('content',
                                              'omitted: the snapshot holds other participants'' data')
                                     ELSE jsonb_build_object('before', a.before, 'after', a.after)
                                END
                         ORDER BY a.id), '[]')
                    FROM audit a
                   WHERE a.id = ANY (audit_ids)
                      OR (a.entity = 'person' AND a.entity_id = p_id)
                      OR (a.entity = 'account' AND a.entity_id = acct)));
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'person.export', 'person', p_id, NULL, NULL);
    RETURN jsonb_pretty(doc);
END
$$;

-- Erases person p_id (Art. 17), see the top of this file.  p_reason (the
-- request it answers) goes into the audit row person.erase, together with
-- the ids of the audit rows redacted.  Erasing an erased person changes
-- nothing and says so (was_erased).  A person linked to an enabled account
-- is refused: that person is working with the registry right now.
CREATE FUNCTION qt_person_erase(p_actor bigint, p_id bigint, p_reason text,
    OUT person_row person_v, OUT was_erased boolean, OUT erased_epoch bigint,
    OUT audit_rows integer, OUT answers_cleared integer)
LANGUAGE plpgsql AS $$
DECLARE
    cur person%ROWTYPE;
    acct account%ROWTYPE;
    pseudonym text := qt_person_pseudonym(p_id);
    patterns bytea[];
    redact bigint[];
    erase_id bigint;
BEGIN
    SELECT * INTO cur FROM person WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'person % does not exist', p_id USING ERRCODE = 'Q0404', COLUMN = 'id';
    END IF;
    IF cur.erased_at IS NOT NULL THEN
        SELECT * INTO person_row FROM person_v v WHERE v.id = p_id;
        was_erased := true;
        erased_epoch := extract(epoch FROM cur.erased_at)::bigint;
        audit_rows := 0;
        answers_cleared := 0;
        RETURN;
    END IF;
    IF cur.account_id IS NOT NULL THEN
        SELECT * INTO acct FROM account WHERE id = cur.account_id;
        IF FOUND AND NOT acct.disabled THEN
            RAISE EXCEPTION 'person % is linked to account % (%), which is enabled; disable the '
                            'account first', p_id, acct.id, acct.login
                USING ERRCODE = 'Q0412', COLUMN = 'id';
        END IF;
    END IF;

    -- Every name, e-mail address and phone number the person ever had:
    -- the current ones and those of its audit snapshots.
    SELECT coalesce(array_agg(DISTINCT qt_pb_string(x)), '{}') INTO patterns FROM (
        SELECT unnest(ARRAY[cur.name, cur.email, cur.phone]) AS x
        UNION
        SELECT unnest(ARRAY[d->>'name', d->>'email', d->>'phone'])
          FROM audit a, LATERAL (VALUES (a.before), (a.after)) s(d)
         WHERE a.entity = 'person' AND a.entity_id = p_id AND jsonb_typeof(d) = 'object') v
     WHERE x IS NOT NULL AND x <> '';

    UPDATE person SET name = pseudonym, function = NULL, email = NULL, phone = NULL,
                      account_id = NULL, erased_at = now(), version = version + 1,
                      updated_at = now()
     WHERE id = p_id;
    -- The triggers of 0008 put the person and its memberships into the
    -- feed; these records carry its name too.
    PERFORM qt_change(12::smallint, m.id) FROM membership m WHERE m.deputy_of_id = p_id;
    PERFORM qt_change(17::smallint, mp.meeting_id) FROM meeting_participant mp
      WHERE mp.person_id = p_id;

    -- Stored answers of client mutations (replayed when a mutation comes
    -- again) that carry one of the values as a whole field lose their body;
    -- the mutation stays recorded, so it is still never applied twice.
    UPDATE client_mutation c SET response = NULL
     WHERE c.response IS NOT NULL
       AND c.request_type IN ('person.create', 'person.update', 'membership.add',
                              'membership.end', 'meeting.create', 'meeting.update',
                              'meeting.transition')
       AND EXISTS (SELECT 1 FROM unnest(patterns) x WHERE position(x IN c.response) > 0);
    GET DIAGNOSTICS answers_cleared = ROW_COUNT;

    -- The erasure's own audit row comes first and is never changed; the
    -- rows it redacts name it.
    redact := qt_person_audit_ids(p_id);
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'person.erase', 'person', p_id, NULL,
            qt_person_snapshot(p_id) || jsonb_build_object(
                'reason', p_reason, 'redacted_audit_ids', to_jsonb(redact),
                'cleared_answers', answers_cleared))
    RETURNING id INTO erase_id;
    -- The audit log is append-only and hash-chained (0011_audit_chain.sql):
    -- qt_audit_redact() is the one way to replace a row's snapshots, and it
    -- records the redaction, so verification counts the row as redacted
    -- (naming this erasure) instead of edited.
    PERFORM qt_audit_redact(a.id,
                qt_audit_redact_person(a.entity, a.before, p_id, pseudonym,
                    jsonb_build_object('by_audit_id', erase_id, 'person_id', p_id)),
                qt_audit_redact_person(a.entity, a.after, p_id, pseudonym,
                    jsonb_build_object('by_audit_id', erase_id, 'person_id', p_id)),
                format('person.erase (audit row %s)', erase_id))
       FROM audit a
      WHERE a.id = ANY (redact);

    SELECT * INTO person_row FROM person_v v WHERE v.id = p_id;
    was_erased := false;
    erased_epoch := extract(epoch FROM now())::bigint;
    audit_rows := coalesce(array_length(redact, 1), 0);
END
$$;
