-- Quarter fund (Quartiersfonds, chapter 8 of the Rahmenkonzeption): per
-- area (a project, optionally one of its quarters) and year, an
-- append-only ledger of bookings in integer cents.  Entries are never
-- changed or deleted (triggers below refuse it); a mistake is put right by
-- a correction, a new entry that references the one it corrects and
-- carries a signed delta.  Bookings go through qt_fund_entry_add(), which
-- locks the fund row, so that concurrent bookings of one fund are
-- serialised and the figures it checks are the figures the entry is added
-- to; the entry and its audit row commit together.  SQLSTATEs as in 0001:
-- Q0400 invalid argument (COLUMN names the field), Q0409 conflict, Q0412
-- failed precondition (the fund's figures forbid the booking; COLUMN
-- amount_cents).
--
-- Figures of a fund, each the sum of the entries that move it (a
-- correction moves the figure of the entry it corrects):
--   allocated  allocations                    (Mittelzuweisungen)
--   committed  commitments                    (Bewilligungen)
--   paid       payouts minus refunds          (Auszahlungen, Rückzahlungen)
--   balance    allocated - paid               (Kassenstand), never negative
--   available  allocated - committed          (frei verfügbar), never negative
-- and per commitment: 0 <= paid on it <= its amount.

CREATE TABLE fund (
    id          bigserial PRIMARY KEY,
    project_id  bigint NOT NULL REFERENCES project(id),
    quarter_id  bigint REFERENCES quarter(id),      -- NULL: the project's whole area
    year        integer NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fund_year_check CHECK (year BETWEEN 1900 AND 2199)
);
-- One fund per area and year (the whole project counts as an area of its own).
CREATE UNIQUE INDEX fund_area_year_key ON fund (project_id, coalesce(quarter_id, 0), year);

CREATE TABLE fund_entry (
    id                  bigserial PRIMARY KEY,     -- ascends in booking order within a fund
    fund_id             bigint NOT NULL REFERENCES fund(id),
    kind                text NOT NULL,
    amount_cents        bigint NOT NULL,           -- > 0; corrections: signed delta, not 0
    commitment_id       bigint REFERENCES fund_entry(id), -- payouts and refunds
    corrects_id         bigint REFERENCES fund_entry(id), -- corrections
    applicant           text,                      -- commitments: who receives the grant
    purpose             text,                      -- commitments: what for
    decided_in          text,                      -- where it was decided, e.g. "AGSP 2026-03"
    note                text,                      -- required for corrections (the reason)
    booked_on           date NOT NULL DEFAULT current_date,
    -- The fund's balance after this entry.  Entries are immutable and
    -- booked one at a time per fund, so this is exact history, like the
    -- balance column of a bank statement.
    balance_after_cents bigint NOT NULL,
    account_id          bigint REFERENCES account(id), -- who booked; NULL: the host
    created_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fund_entry_kind_check CHECK (kind IN ('allocation', 'commitment', 'payout',
                                                     'refund', 'correction')),
    CONSTRAINT fund_entry_amount_check CHECK (
        amount_cents BETWEEN -1000000000000 AND 1000000000000
        AND CASE WHEN kind = 'correction' THEN amount_cents <> 0 ELSE amount_cents > 0 END),
    CONSTRAINT fund_entry_links_check CHECK (
        (kind IN ('allocation', 'commitment') AND commitment_id IS NULL AND corrects_id IS NULL)
        OR (kind IN ('payout', 'refund') AND commitment_id IS NOT NULL AND corrects_id IS NULL)
        OR (kind = 'correction' AND commitment_id IS NULL AND corrects_id IS NOT NULL)),
    CONSTRAINT fund_entry_grant_check CHECK (
        (kind = 'commitment') = (applicant IS NOT NULL AND purpose IS NOT NULL)
        AND (kind = 'commitment' OR (applicant IS NULL AND purpose IS NULL))),
    CONSTRAINT fund_entry_correction_note CHECK (kind <> 'correction' OR note IS NOT NULL),
    CONSTRAINT fund_entry_balance_check CHECK (balance_after_cents >= 0)
);
CREATE INDEX fund_entry_fund_idx ON fund_entry (fund_id, id);
CREATE INDEX fund_entry_commitment_idx ON fund_entry (commitment_id) WHERE commitment_id IS NOT NULL;
CREATE INDEX fund_entry_corrects_idx ON fund_entry (corrects_id) WHERE corrects_id IS NOT NULL;

-- The ledger is append-only, also for anyone with SQL access: changing or
-- deleting an entry raises instead.
CREATE FUNCTION qt_fund_entry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'fund ledger entries are append-only (% refused): book a correction instead',
        TG_OP USING ERRCODE = 'Q0412';
END $$;

CREATE TRIGGER fund_entry_no_update_delete BEFORE UPDATE OR DELETE ON fund_entry
    FOR EACH ROW EXECUTE FUNCTION qt_fund_entry_append_only();
CREATE TRIGGER fund_entry_no_truncate BEFORE TRUNCATE ON fund_entry
    FOR EACH STATEMENT EXECUTE FUNCTION qt_fund_entry_append_only();

-- What each entry moves: the kind whose figure it changes (a correction:
-- the kind of the entry it corrects) and the commitment it belongs to (a
-- commitment and its corrections: itself; payouts, refunds and their
-- corrections: their commitment; allocations: none).
CREATE VIEW fund_entry_effect AS
SELECT e.id, e.fund_id, e.amount_cents,
       coalesce(o.kind, e.kind) AS target_kind,
       CASE WHEN coalesce(o.kind, e.kind) = 'commitment' THEN coalesce(e.corrects_id, e.id)
            ELSE coalesce(e.commitment_id, o.commitment_id) END AS commitment_key
  FROM fund_entry e
  LEFT JOIN fund_entry o ON o.id = e.corrects_id;

-- A fund with its area and its live figures, as the protocol returns it.
CREATE VIEW fund_v AS
SELECT f.id, f.project_id, p.name AS project_name, f.quarter_id, q.name AS quarter_name, f.year,
       t.allocated AS allocated_cents, t.committed AS committed_cents, t.paid AS paid_cents,
       t.allocated - t.paid AS balance_cents, t.allocated - t.committed AS available_cents,
       t.entries AS entry_count,
       extract(epoch FROM f.created_at)::bigint AS created_at
  FROM fund f
  JOIN project p ON p.id = f.project_id
  LEFT JOIN quarter q ON q.id = f.quarter_id
 CROSS JOIN LATERAL (
    SELECT coalesce(sum(x.amount_cents) FILTER (WHERE x.target_kind = 'allocation'), 0)::bigint
               AS allocated,
           coalesce(sum(x.amount_cents) FILTER (WHERE x.target_kind = 'commitment'), 0)::bigint
               AS committed,
           coalesce(sum(CASE x.target_kind WHEN 'payout' THEN x.amount_cents
                                           WHEN 'refund' THEN -x.amount_cents END), 0)::bigint
               AS paid,
           count(*) AS entries
      FROM fund_entry_effect x WHERE x.fund_id = f.id) t;

-- The amount of an entry after its corrections.
CREATE FUNCTION qt_fund_effective(p_entry bigint, p_amount bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT (p_amount + coalesce(sum(c.amount_cents), 0))::bigint
      FROM fund_entry c WHERE c.corrects_id = p_entry
$$;

-- An entry as the protocol returns it: for entries that can be corrected
-- their amount after corrections, for commitments what was paid on them.
CREATE VIEW fund_entry_v AS
SELECT e.id, e.fund_id, e.kind, e.amount_cents, e.commitment_id, e.corrects_id,
       e.applicant, e.purpose, e.decided_in, e.note, e.booked_on::text AS booked_on,
       e.account_id, extract(epoch FROM e.created_at)::bigint AS created_at,
       e.balance_after_cents,
       CASE WHEN e.kind <> 'correction' THEN qt_fund_effective(e.id, e.amount_cents) END
           AS effective_amount_cents,
       CASE WHEN e.kind = 'commitment' THEN
           (SELECT coalesce(sum(CASE p.kind WHEN 'payout' THEN 1 ELSE -1 END
                                * qt_fund_effective(p.id, p.amount_cents)), 0)::bigint
              FROM fund_entry p WHERE p.commitment_id = e.id) END AS paid_cents
  FROM fund_entry e;

-- "1234.50 EUR" for messages.
CREATE FUNCTION qt_fund_euro(p_cents numeric) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_cents < 0 THEN '-' ELSE '' END || trunc(abs(p_cents) / 100)::text
           || '.' || lpad((abs(p_cents) % 100)::text, 2, '0') || ' EUR'
$$;

CREATE FUNCTION qt_fund_create(p_actor bigint, p_project bigint, p_quarter bigint,
    p_year integer)
RETURNS SETOF fund_v LANGUAGE plpgsql AS $$
DECLARE
    other bigint;
    new_id bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM project WHERE id = p_project) THEN
        RAISE EXCEPTION 'unknown project %', p_project USING ERRCODE = 'Q0400', COLUMN = 'project_id';
    END IF;
    IF p_quarter IS NOT NULL AND NOT EXISTS (SELECT 1 FROM project_quarter
                                              WHERE project_id = p_project AND quarter_id = p_quarter) THEN
        RAISE EXCEPTION 'quarter % is not a quarter of project %', p_quarter, p_project
            USING ERRCODE = 'Q0400', COLUMN = 'quarter_id';
    END IF;
    SELECT id INTO other FROM fund
     WHERE project_id = p_project AND quarter_id IS NOT DISTINCT FROM p_quarter AND year = p_year;
    IF FOUND THEN
        RAISE EXCEPTION 'fund % already covers this area in %', other, p_year
            USING ERRCODE = 'Q0409', COLUMN = 'year';
    END IF;
    INSERT INTO fund (project_id, quarter_id, year) VALUES (p_project, p_quarter, p_year)
    RETURNING id INTO new_id;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    SELECT p_actor, 'fund.create', 'fund', new_id, NULL, to_jsonb(v) FROM fund_v v WHERE v.id = new_id;
    RETURN QUERY SELECT * FROM fund_v WHERE id = new_id;
END $$;

-- Books one entry.  The server has validated the fields and decided the
-- permission; this re-checks the references and the figures under the
-- fund's row lock and refuses anything that would break a rule above.
CREATE FUNCTION qt_fund_entry_add(p_actor bigint, p_fund bigint, p_kind text, p_amount bigint,
    p_commitment bigint, p_corrects bigint, p_applicant text, p_purpose text,
    p_decided_in text, p_note text, p_booked_on date)
RETURNS SETOF fund_entry_v LANGUAGE plpgsql AS $$
DECLARE
    orig fund_entry%ROWTYPE;
    target text := p_kind;       -- the figure the entry moves
    grant_id bigint;             -- the commitment whose figures it moves, if any
    effective numeric;
    allocated numeric;
    committed numeric;
    paid numeric;
    g_committed numeric;
    g_paid numeric;
    new_committed numeric;
    new_paid numeric;
    new_id bigint;
BEGIN
    -- The lock serialises the bookings of this fund until commit.
    PERFORM 1 FROM fund WHERE id = p_fund FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown fund %', p_fund USING ERRCODE = 'Q0400', COLUMN = 'fund_id';
    END IF;

    IF p_kind = 'correction' THEN
        SELECT * INTO orig FROM fund_entry WHERE id = p_corrects AND fund_id = p_fund;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'entry % is not an entry of fund %', p_corrects, p_fund
                USING ERRCODE = 'Q0400', COLUMN = 'corrects_id';
        END IF;
        IF orig.kind = 'correction' THEN
            RAISE EXCEPTION 'entry % is itself a correction; correct entry % instead',
                orig.id, orig.corrects_id USING ERRCODE = 'Q0400', COLUMN = 'corrects_id';
        END IF;
        target := orig.kind;
        grant_id := CASE WHEN orig.kind = 'commitment' THEN orig.id ELSE orig.commitment_id END;
        effective := qt_fund_effective(orig.id, orig.amount_cents);
        IF effective + p_amount < 0 THEN
            RAISE EXCEPTION 'a correction of % would take % entry % below zero (it stands at %)',
                qt_fund_euro(p_amount), orig.kind, orig.id, qt_fund_euro(effective)
                USING ERRCODE = 'Q0412', COLUMN = 'amount_cents';
        END IF;
        IF effective + p_amount > 1000000000000 THEN
            RAISE EXCEPTION 'entry % would exceed 10000000000.00 EUR', orig.id
                USING ERRCODE = 'Q0400', COLUMN = 'amount_cents';
        END IF;
    ELSIF p_kind IN ('payout', 'refund') THEN
        IF NOT EXISTS (SELECT 1 FROM fund_entry
                        WHERE id = p_commitment AND fund_id = p_fund AND kind = 'commitment') THEN
            RAISE EXCEPTION 'entry % is not a commitment of fund %', p_commitment, p_fund
                USING ERRCODE = 'Q0400', COLUMN = 'commitment_id';
        END IF;
        grant_id := p_commitment;
    END IF;

    -- The figures with the new entry.
    SELECT coalesce(sum(x.amount_cents) FILTER (WHERE x.target_kind = 'allocation'), 0),
           coalesce(sum(x.amount_cents) FILTER (WHERE x.target_kind = 'commitment'), 0),
           coalesce(sum(CASE x.target_kind WHEN 'payout' THEN x.amount_cents
                                           WHEN 'refund' THEN -x.amount_cents END), 0)
      INTO allocated, committed, paid
      FROM fund_entry_effect x WHERE x.fund_id = p_fund;
    CASE target
        WHEN 'allocation' THEN allocated := allocated + p_amount;
        WHEN 'commitment' THEN committed := committed + p_amount;
        WHEN 'payout' THEN paid := paid + p_amount;
        WHEN 'refund' THEN paid := paid - p_amount;
    END CASE;

    IF grant_id IS NOT NULL THEN
        SELECT coalesce(sum(x.amount_cents) FILTER (WHERE x.target_kind = 'commitment'), 0),
               coalesce(sum(CASE x.target_kind WHEN 'payout' THEN x.amount_cents
                                               WHEN 'refund' THEN -x.amount_cents END), 0)
          INTO g_committed, g_paid
          FROM fund_entry_effect x WHERE x.fund_id = p_fund AND x.commitment_key = grant_id;
        new_committed := g_committed + CASE target WHEN 'commitment' THEN p_amount ELSE 0 END;
        new_paid := g_paid + CASE target WHEN 'payout' THEN p_amount
                                         WHEN 'refund' THEN -p_amount ELSE 0 END;
        IF new_paid > new_committed THEN
            IF p_kind = 'payout' THEN
                RAISE EXCEPTION 'payout of % exceeds the % remaining on commitment %',
                    qt_fund_euro(p_amount), qt_fund_euro(g_committed - g_paid), grant_id
                    USING ERRCODE = 'Q0412', COLUMN = 'amount_cents';
            END IF;
            RAISE EXCEPTION 'commitment % would be paid beyond its amount (% committed, % paid)',
                grant_id, qt_fund_euro(new_committed), qt_fund_euro(new_paid)
                USING ERRCODE = 'Q0412', COLUMN = 'amount_cents';
        END IF;
        IF new_paid < 0 THEN
            IF p_kind = 'refund' THEN
                RAISE EXCEPTION 'refund of % exceeds the % paid on commitment %',
                    qt_fund_euro(p_amount), qt_fund_euro(g_paid), grant_id
                    USING ERRCODE = 'Q0412', COLUMN = 'amount_cents';
            END IF;
            RAISE EXCEPTION 'commitment % would have more refunded than paid (% net)',
                grant_id, qt_fund_euro(new_paid) USING ERRCODE = 'Q0412', COLUMN = 'amount_cents';
        END IF;
    END IF;

    IF allocated - paid < 0 THEN
        RAISE EXCEPTION 'the balance of fund % would become negative (%)', p_fund,
            qt_fund_euro(allocated - paid) USING ERRCODE = 'Q0412', COLUMN = 'amount_cents';
    END IF;
    IF committed > allocated THEN
        IF p_kind = 'commitment' THEN
            RAISE EXCEPTION 'commitment of % exceeds the % still available in fund %',
                qt_fund_euro(p_amount), qt_fund_euro(allocated - committed + p_amount), p_fund
                USING ERRCODE = 'Q0412', COLUMN = 'amount_cents';
        END IF;
        RAISE EXCEPTION 'fund % would have committed % of only % allocated', p_fund,
            qt_fund_euro(committed), qt_fund_euro(allocated)
            USING ERRCODE = 'Q0412', COLUMN = 'amount_cents';
    END IF;
    IF allocated > 1000000000000000 THEN
        RAISE EXCEPTION 'a fund cannot hold more than 10000000000000.00 EUR'
            USING ERRCODE = 'Q0400', COLUMN = 'amount_cents';
    END IF;

    INSERT INTO fund_entry (fund_id, kind, amount_cents, commitment_id, corrects_id, applicant,
                            purpose, decided_in, note, booked_on, balance_after_cents, account_id)
    VALUES (p_fund, p_kind, p_amount,
            CASE WHEN p_kind IN ('payout', 'refund') THEN p_commitment END,
            CASE WHEN p_kind = 'correction' THEN p_corrects END,
            CASE WHEN p_kind = 'commitment' THEN p_applicant END,
            CASE WHEN p_kind = 'commitment' THEN p_purpose END,
            nullif(p_decided_in, ''), nullif(p_note, ''), coalesce(p_booked_on, current_date),
            allocated - paid, p_actor)
    RETURNING id INTO new_id;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    SELECT p_actor, 'fund.book', 'fund', p_fund, NULL, to_jsonb(e) FROM fund_entry e WHERE e.id = new_id;
    RETURN QUERY SELECT * FROM fund_entry_v WHERE id = new_id;
END $$;
