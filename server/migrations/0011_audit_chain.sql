-- The tamper-evident audit log: a hash chain over the audit rows.
--
-- Audit rows are written by many transactions at once, inside the
-- transactions of the changes they record, and commit in any order.  A
-- chain computed when a row is inserted would need one global lock on
-- every write path.  Instead rows are inserted unchained, and a sealer
-- (quartierd, every audit_seal_ms; `quartierd audit verify` and the
-- audit_verify request too) appends them to the chain later, in a fixed
-- order, once no older transaction can still add rows: like the change
-- feed (migration 0008), only rows of transactions below the horizon
-- pg_snapshot_xmin(pg_current_snapshot()) are sealed, in (xid, id) order.
-- A sequence order alone would not do: ids are drawn inside transactions,
-- so id 12 can commit before id 11.
--
-- Each sealed row gets one row in audit_seal: its chain position, the hash
-- of the row before it, the digest of its content and its own hash
--
--     content_hash = sha256(UTF-8 of jsonb_build_array(id, at in microseconds,
--                           account_id, action, entity, entity_id, before, after)::text)
--     hash         = sha256(prev_hash || int8send(pos) || content_hash)
--
-- (prev_hash of position 1: 32 zero bytes).  Both are computed only here,
-- in SQL, so there is one definition; the jsonb text form is canonical
-- (keys sorted, no insignificant white space) and no setting of the
-- session (DateStyle, TimeZone) enters it.  audit_chain holds the head of
-- the chain, the frontier up to which every row is sealed and the cluster
-- whose transaction ids the frontier counts.
--
-- The audit table and audit_seal are append-only, also for anyone with SQL
-- access (triggers refuse UPDATE, DELETE and TRUNCATE); only
-- qt_audit_redact() may replace a row's before/after, and it says so in
-- audit_redaction.  Anyone who bypasses that (a superuser, triggers off)
-- is caught by qt_audit_verify(): an edited row no longer matches its
-- digest, a deleted one leaves a hole (or a seal without its row), a row
-- put in between breaks the links or sits unsealed behind the frontier.
-- Sealers of several quartierd instances on one database serialise on the
-- row lock of audit_chain.

ALTER TABLE audit ADD COLUMN xid xid8 NOT NULL DEFAULT '0';  -- existing rows: below every horizon
ALTER TABLE audit ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
CREATE INDEX audit_xid_idx ON audit (xid, id);

CREATE TABLE audit_seal (
    pos          bigint PRIMARY KEY CHECK (pos > 0),
    audit_id     bigint NOT NULL UNIQUE REFERENCES audit(id),
    prev_hash    bytea NOT NULL CHECK (length(prev_hash) = 32),
    content_hash bytea NOT NULL CHECK (length(content_hash) = 32),
    hash         bytea NOT NULL CHECK (length(hash) = 32)
);

CREATE TABLE audit_chain (
    only_row   boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    head_pos   bigint NOT NULL DEFAULT 0,       -- the last sealed position (0: none yet)
    head_hash  bytea NOT NULL DEFAULT decode(repeat('00', 32), 'hex'),
    -- Every audit row at or before (head_xid, head_id) in (xid, id) order
    -- is sealed; an unsealed one there was put in behind the sealer's back.
    head_xid   xid8 NOT NULL DEFAULT '0',
    head_id    bigint NOT NULL DEFAULT 0,
    home       text NOT NULL,                   -- system identifier of the cluster head_xid belongs to
    sealed_at  timestamptz
);
INSERT INTO audit_chain (home) VALUES ((SELECT system_identifier FROM pg_control_system())::text);

-- Rows whose before/after were replaced by qt_audit_redact() (erasure of
-- personal data): their chain stays intact, their content is no longer
-- the content they were sealed with.
CREATE TABLE audit_redaction (
    audit_id    bigint PRIMARY KEY REFERENCES audit(id),
    redacted_at timestamptz NOT NULL DEFAULT now(),
    reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500)
);

-- ------------------------------------------------------------------ hashes

CREATE FUNCTION qt_audit_digest(a audit) RETURNS bytea
LANGUAGE sql STABLE AS $$
    SELECT sha256(convert_to(jsonb_build_array(
               a.id, (extract(epoch FROM a.at) * 1000000)::bigint, a.account_id, a.action,
               a.entity, a.entity_id, a.before, a.after)::text, 'UTF8'))
$$;

CREATE FUNCTION qt_audit_link(p_prev bytea, p_pos bigint, p_content bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(p_prev || int8send(p_pos) || p_content)
$$;

-- ------------------------------------------------------------------ append-only

CREATE FUNCTION qt_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- (Nested: NEW of audit_seal has no column "at".)
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'audit'
       AND current_setting('quartier.audit_redact', true) = 'on' THEN
        IF (NEW.id, NEW.at, NEW.account_id, NEW.action, NEW.entity, NEW.entity_id, NEW.xid)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.account_id, OLD.action, OLD.entity, OLD.entity_id, OLD.xid) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only (% on % refused)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'Q0412';
END $$;

CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION qt_audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION qt_audit_append_only();
CREATE TRIGGER audit_seal_append_only BEFORE UPDATE OR DELETE ON audit_seal
    FOR EACH ROW EXECUTE FUNCTION qt_audit_append_only();
CREATE TRIGGER audit_seal_no_truncate BEFORE TRUNCATE ON audit_seal
    FOR EACH STATEMENT EXECUTE FUNCTION qt_audit_append_only();

-- Replaces before/after of audit row p_id (erasure of personal data) and
-- records it in audit_redaction; the caller writes the audit row of the
-- erasure itself.  Chain and digest stay as they were sealed, so
-- qt_audit_verify() counts the row as redacted instead of edited.
CREATE FUNCTION qt_audit_redact(p_id bigint, p_before jsonb, p_after jsonb, p_reason text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('quartier.audit_redact', 'on', true);
    UPDATE audit SET before = p_before, after = p_after WHERE id = p_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown audit row %', p_id USING ERRCODE = 'Q0404', COLUMN = 'id';
    END IF;
    PERFORM set_config('quartier.audit_redact', 'off', true);
    INSERT INTO audit_redaction (audit_id, reason) VALUES (p_id, p_reason)
        ON CONFLICT (audit_id) DO UPDATE SET redacted_at = now(), reason = excluded.reason;
END $$;

-- ------------------------------------------------------------------ sealing

-- Appends the audit rows p_ids (in this order, with their content digests
-- p_digests) to the chain after position p_pos with hash p_prev; returns
-- the new head's hash.  One INSERT for the whole batch.
CREATE FUNCTION qt_audit_append(p_ids bigint[], p_digests bytea[], p_pos bigint, p_prev bytea)
RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE
    n integer := coalesce(array_length(p_ids, 1), 0);
    prevs bytea[];
    hashes bytea[];
    h bytea := p_prev;
BEGIN
    FOR i IN 1..n LOOP
        prevs[i] := h;
        h := qt_audit_link(h, p_pos + i, p_digests[i]);
        hashes[i] := h;
    END LOOP;
    INSERT INTO audit_seal (pos, audit_id, prev_hash, content_hash, hash)
        SELECT p_pos + u.o, u.id, u.prev, u.d, u.h
          FROM unnest(p_ids, prevs, p_digests, hashes) WITH ORDINALITY AS u(id, prev, d, h, o);
    RETURN h;
END $$;

-- Seals up to p_limit rows (NULL: all) of finished transactions.  p_wait:
-- wait for a sealer of another session to finish (else return busy at
-- once).  p_known_pos/p_known_hash: a head this caller saw before (NULL:
-- none); known_ok says whether the chain still holds it at that position.
-- more: the limit was reached, call again.
--
-- When the chain's home is another cluster (the database was restored or
-- copied there, whose transaction counter may lie below the frontier),
-- every committed unsealed row is sealed at once and the frontier starts
-- again at this cluster's horizon.
CREATE FUNCTION qt_audit_seal(p_wait boolean, p_limit integer, p_known_pos bigint,
                              p_known_hash bytea,
                              OUT sealed integer, OUT more boolean, OUT busy boolean,
                              OUT known_ok boolean, OUT head_pos bigint, OUT head_hash bytea)
LANGUAGE plpgsql AS $$
DECLARE
    c audit_chain%ROWTYPE;
    here text := (SELECT system_identifier FROM pg_control_system())::text;
    horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
    ids bigint[];
    digests bytea[];
    last_xid xid8;
    last_id bigint;
    moved boolean := false;
BEGIN
    sealed := 0;
    more := false;
    busy := false;
    known_ok := true;
    IF p_known_pos IS NOT NULL AND p_known_pos > 0 THEN
        known_ok := EXISTS (SELECT 1 FROM audit_seal s WHERE s.pos = p_known_pos
                                                          AND s.hash = p_known_hash);
    END IF;
    -- Nothing to do (the usual case): no lock, no transaction id.
    SELECT * INTO c FROM audit_chain;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the audit chain has no head (audit_chain is empty)' USING ERRCODE = 'Q0500';
    END IF;
    IF c.home = here AND NOT EXISTS (
           SELECT 1 FROM audit a
            WHERE a.xid < horizon AND (a.xid, a.id) > (c.head_xid, c.head_id)
              AND NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.audit_id = a.id)) THEN
        head_pos := c.head_pos;
        head_hash := c.head_hash;
        RETURN;
    END IF;

    IF p_wait THEN
        SELECT * INTO c FROM audit_chain FOR UPDATE;
    ELSE
        SELECT * INTO c FROM audit_chain FOR UPDATE SKIP LOCKED;
        IF NOT FOUND THEN
            busy := true;
            RETURN;
        END IF;
    END IF;
    -- Read again after the lock: whatever the previous holder sealed is
    -- visible now, and transactions that ended meanwhile count.
    horizon := pg_snapshot_xmin(pg_current_snapshot());

    IF c.home IS DISTINCT FROM here THEN
        SELECT array_agg(b.id ORDER BY b.xid, b.id), array_agg(b.d ORDER BY b.xid, b.id)
          INTO ids, digests
          FROM (SELECT a.id, a.xid, qt_audit_digest(a) AS d FROM audit a
                 WHERE NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.audit_id = a.id)) b;
        c.head_xid := horizon;
        c.head_id := 0;
        c.home := here;
        moved := true;
    ELSE
        SELECT array_agg(b.id ORDER BY b.xid, b.id), array_agg(b.d ORDER BY b.xid, b.id),
               (array_agg(b.xid ORDER BY b.xid DESC, b.id DESC))[1],
               (array_agg(b.id ORDER BY b.xid DESC, b.id DESC))[1]
          INTO ids, digests, last_xid, last_id
          FROM (SELECT a.id, a.xid, qt_audit_digest(a) AS d FROM audit a
                 WHERE a.xid < horizon AND (a.xid, a.id) > (c.head_xid, c.head_id)
                   AND NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.audit_id = a.id)
                 ORDER BY a.xid, a.id LIMIT p_limit) b;
        IF last_xid IS NOT NULL THEN
            c.head_xid := last_xid;
            c.head_id := last_id;
        END IF;
        more := p_limit IS NOT NULL AND coalesce(array_length(ids, 1), 0) >= p_limit;
    END IF;
    sealed := coalesce(array_length(ids, 1), 0);
    IF sealed > 0 THEN
        c.head_hash := qt_audit_append(ids, digests, c.head_pos, c.head_hash);
        c.head_pos := c.head_pos + sealed;
    END IF;
    IF sealed > 0 OR moved THEN
        UPDATE audit_chain SET head_pos = c.head_pos, head_hash = c.head_hash,
                               head_xid = c.head_xid, head_id = c.head_id, home = c.home,
                               sealed_at = now();
    END IF;
    head_pos := c.head_pos;
    head_hash := c.head_hash;
END $$;

-- ------------------------------------------------------------------ verification

-- Seals what can be sealed (waiting for other sealers), then recomputes
-- the whole chain from position 1 and names the first thing wrong:
--
--   finding     problem   bad row / position            other row / position
--   gap         deleted   first row after the hole      last row before it (none at the start)
--   missing     deleted   the sealed row that is gone   -
--   link        link      row not following the other   the row before it in the chain
--   seal        edited    row whose seal was altered    -
--   edited      edited    row whose content changed     -
--   truncated   deleted   - / first missing position    last row of the chain
--   past_head   inserted  first row past the head       -
--   head        link      last row of the chain         -
--   unsealed    inserted  unsealed row behind frontier  -
--   anchor      rewritten row at the anchor position    -
--   anchor_gone deleted   - / the anchor position       -
--   no_head     deleted   - (audit_chain is empty)      -
--
-- p_anchor_pos/p_anchor_hash (NULL: none): a head seen earlier, e.g.
-- printed by an earlier verification or logged by the sealer; the chain
-- must still hold it.  Checked rows: every sealed row; pending: rows of
-- transactions still running (not sealable yet); redacted: rows replaced
-- by qt_audit_redact().
CREATE FUNCTION qt_audit_verify(p_anchor_pos bigint, p_anchor_hash bytea,
                                OUT sealed integer, OUT checked bigint, OUT pending bigint,
                                OUT redacted bigint, OUT head_pos bigint, OUT head_hash bytea,
                                OUT finding text, OUT bad_id bigint, OUT bad_pos bigint,
                                OUT other_id bigint, OUT other_pos bigint)
LANGUAGE plpgsql AS $$
DECLARE
    c audit_chain%ROWTYPE;
    last_pos bigint;
    last_id bigint;
    last_hash bytea;
    a_hash bytea;
    a_id bigint;
BEGIN
    sealed := 0;
    checked := 0;
    pending := 0;
    redacted := 0;
    head_pos := 0;
    PERFORM 1 FROM audit_chain;
    IF NOT FOUND THEN
        finding := 'no_head';
        RETURN;
    END IF;
    SELECT s.sealed INTO sealed FROM qt_audit_seal(true, NULL, NULL, NULL) s;
    -- qt_audit_seal() locked the head (if it sealed anything); lock it in
    -- any case so that no other sealer moves it while this looks.
    SELECT * INTO c FROM audit_chain FOR UPDATE;
    head_pos := c.head_pos;
    head_hash := c.head_hash;
    SELECT count(*) INTO checked FROM audit_seal;
    SELECT count(*) INTO redacted FROM audit_redaction;
    SELECT count(*) INTO pending FROM audit a
     WHERE (a.xid, a.id) > (c.head_xid, c.head_id)
       AND NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.audit_id = a.id);

    -- The chain from position 1, in order.
    SELECT w.finding, w.audit_id, w.pos,
           CASE WHEN w.finding IN ('gap', 'link') THEN w.prev_id END,
           CASE WHEN w.finding IN ('gap', 'link') THEN w.prev_pos END
      INTO finding, bad_id, bad_pos, other_id, other_pos
      FROM (SELECT s.pos, s.audit_id,
                   lag(s.audit_id) OVER w AS prev_id, lag(s.pos) OVER w AS prev_pos,
                   CASE
                   WHEN s.pos <> coalesce(lag(s.pos) OVER w, 0) + 1 THEN 'gap'
                   WHEN a.id IS NULL THEN 'missing'
                   WHEN s.prev_hash <> coalesce(lag(s.hash) OVER w, decode(repeat('00', 32), 'hex'))
                       THEN 'link'
                   WHEN s.hash <> qt_audit_link(s.prev_hash, s.pos, s.content_hash) THEN 'seal'
                   WHEN qt_audit_digest(a) <> s.content_hash AND x.audit_id IS NULL THEN 'edited'
                   END AS finding
              FROM audit_seal s
              LEFT JOIN audit a ON a.id = s.audit_id
              LEFT JOIN audit_redaction x ON x.audit_id = s.audit_id
            WINDOW w AS (ORDER BY s.pos)) w
     WHERE w.finding IS NOT NULL
     ORDER BY w.pos LIMIT 1;

    -- The anchor, if it names an earlier position than what was found.
    IF p_anchor_pos IS NOT NULL AND (finding IS NULL OR p_anchor_pos < bad_pos) THEN
        SELECT s.hash, s.audit_id INTO a_hash, a_id FROM audit_seal s WHERE s.pos = p_anchor_pos;
        IF NOT FOUND THEN
            finding := 'anchor_gone';
            bad_id := NULL; bad_pos := p_anchor_pos; other_id := NULL; other_pos := NULL;
        ELSIF a_hash <> p_anchor_hash THEN
            finding := 'anchor';
            bad_id := a_id; bad_pos := p_anchor_pos; other_id := NULL; other_pos := NULL;
        END IF;
    END IF;
    IF finding IS NOT NULL THEN
        RETURN;
    END IF;

    -- The end of the chain against its recorded head.
    SELECT s.pos, s.audit_id, s.hash INTO last_pos, last_id, last_hash
      FROM audit_seal s ORDER BY s.pos DESC LIMIT 1;
    IF coalesce(last_pos, 0) < c.head_pos THEN
        finding := 'truncated';
        bad_pos := coalesce(last_pos, 0) + 1;
        other_id := last_id;
        other_pos := last_pos;
        RETURN;
    ELSIF last_pos > c.head_pos THEN
        finding := 'past_head';
        SELECT s.audit_id, s.pos INTO bad_id, bad_pos FROM audit_seal s WHERE s.pos = c.head_pos + 1;
        RETURN;
    ELSIF last_pos IS NOT NULL AND last_hash <> c.head_hash THEN
        finding := 'head';
        bad_id := last_id;
        bad_pos := last_pos;
        RETURN;
    END IF;

    -- Rows behind the frontier that are not sealed were put there later.
    SELECT a.id INTO bad_id FROM audit a
     WHERE (a.xid, a.id) <= (c.head_xid, c.head_id)
       AND NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.audit_id = a.id)
     ORDER BY a.xid, a.id LIMIT 1;
    IF FOUND THEN
        finding := 'unsealed';
    END IF;
END $$;
