-- Quality assessment (annex "Bewertungskriterien") and continuation
-- (Verstetigung, chapter 9 of the Rahmenkonzeption).
--
-- The criteria catalogue is versioned data: a version, its seven section
-- titles and its criteria are written once and never changed (triggers
-- below refuse UPDATE and DELETE); a revised annex becomes a new version.
-- An assessment names the version it was made against and keeps one
-- rating per criterion, so a new version never rewrites an old result.
-- Assessments are snapshots: they are never changed either.
--
-- Which required criteria are missing is derived at query time from
-- immutable rows (assessment_criterion_v):
--   * a quality-enhancing criterion is never missing;
--   * a required criterion is fulfilled when rated "met";
--   * "not_applicable" fulfils a required criterion only where the annex
--     makes it conditional (na_allowed: section 4 "Quartierskoordination
--     (falls vorhanden)");
--   * criteria sharing a one_of group are alternatives (section 7: "ohne
--     öffentliche Förderung oder (sofern notwendig) mit öffentlicher
--     Förderung"): one of them rated "met" fulfils all of them;
--   * everything else — "not_met", not rated, "not_applicable" elsewhere —
--     is missing.
--
-- Continuation plans (one per project) name the building blocks of
-- chapter 9, who takes which tasks with which resources, and when the
-- current funding ends.  Mutations go through the functions at the end of
-- this file, which write the audit row in the same transaction (SQLSTATEs
-- as in 0001: Q0400 invalid argument with COLUMN, Q0404 not found, Q0409
-- conflict).  This file depends only on 0001 and 0002.

CREATE TABLE catalogue_version (
    version     integer PRIMARY KEY CHECK (version > 0),
    title       text NOT NULL,
    source      text NOT NULL,                   -- where the criteria are taken from
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE catalogue_section (
    version     integer NOT NULL REFERENCES catalogue_version(version),
    section     smallint NOT NULL CHECK (section BETWEEN 1 AND 7),
    title       text NOT NULL,                   -- "Ausgangslage/Sozialraumanalyse"
    PRIMARY KEY (version, section)
);

CREATE TABLE criterion (
    id          bigserial PRIMARY KEY,
    version     integer NOT NULL,
    section     smallint NOT NULL,
    -- The annex's two columns: "konzept" (quality of the concept) and
    -- "prozess" (quality of the running process).  COLUMN is a keyword.
    col         text NOT NULL CHECK (col IN ('konzept', 'prozess')),
    required    boolean NOT NULL,                -- printed plain; false: italic, quality-enhancing
    position    smallint NOT NULL CHECK (position > 0), -- order within version, section, column
    lead_in     text,                            -- the annex's heading this item continues
    na_allowed  boolean NOT NULL DEFAULT false,  -- "not applicable" fulfils it (conditional section)
    one_of      smallint,                        -- alternatives: one met fulfils the group
    text        text NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
    UNIQUE (version, section, col, position),
    UNIQUE (id, version),
    FOREIGN KEY (version, section) REFERENCES catalogue_section (version, section)
);

CREATE TABLE assessment (
    id                bigserial PRIMARY KEY,
    project_id        bigint NOT NULL REFERENCES project(id),
    phase             text NOT NULL CONSTRAINT assessment_phase_check CHECK (phase IN
                        ('application', 'continued_funding', 'running')),
    catalogue_version integer NOT NULL REFERENCES catalogue_version(version),
    assessor_id       bigint REFERENCES account(id), -- NULL: recorded on the host
    assessed_on       date NOT NULL,
    summary           text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, catalogue_version)
);
CREATE INDEX assessment_project_idx ON assessment (project_id, assessed_on, id);

-- A rating belongs to a criterion of the assessment's own catalogue
-- version; the composite keys make any other combination impossible.
CREATE TABLE assessment_rating (
    assessment_id     bigint NOT NULL,
    catalogue_version integer NOT NULL,
    criterion_id      bigint NOT NULL,
    rating            text NOT NULL CONSTRAINT assessment_rating_check CHECK (rating IN
                        ('met', 'not_met', 'not_applicable')),
    note              text NOT NULL DEFAULT '',
    PRIMARY KEY (assessment_id, criterion_id),
    FOREIGN KEY (assessment_id, catalogue_version) REFERENCES assessment (id, catalogue_version),
    FOREIGN KEY (criterion_id, catalogue_version) REFERENCES criterion (id, version)
);

-- Written once: catalogue versions and assessments are evidence.
CREATE FUNCTION qt_assessment_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed or deleted; add a new one', TG_TABLE_NAME
        USING ERRCODE = 'Q0412';
END $$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['catalogue_version', 'catalogue_section', 'criterion',
                             'assessment', 'assessment_rating'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW '
                       'EXECUTE FUNCTION qt_assessment_refuse_change()', t || '_immutable', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT '
                       'EXECUTE FUNCTION qt_assessment_refuse_change()', t || '_no_truncate', t);
    END LOOP;
END $$;

-- ----------------------------------------------------------------------
--  Catalogue version 1: the annex of the Rahmenkonzeption zur sozialen
--  Quartiersentwicklung in Stuttgart (2023), transcribed verbatim.  Each
--  checkbox of the annex is one criterion; plain ones are required,
--  italic ones quality-enhancing.  Headings without a checkbox are kept
--  as lead_in of the items they introduce.
-- ----------------------------------------------------------------------

INSERT INTO catalogue_version (version, title, source) VALUES
(1, 'Bewertungskriterien für Quartiersprojekte und soziale Quartiersentwicklungen',
 'Rahmenkonzeption zur sozialen Quartiersentwicklung in Stuttgart (2023), Anlage');

INSERT INTO catalogue_section (version, section, title) VALUES
(1, 1, 'Ausgangslage/Sozialraumanalyse'),
(1, 2, 'Zielsteuerung'),
(1, 3, 'Evaluation'),
(1, 4, 'Quartierskoordination (falls vorhanden)'),
(1, 5, 'Partizipation'),
(1, 6, 'Gesellschaftliches Engagement'),
(1, 7, 'Verstetigung');

INSERT INTO criterion (id, version, section, col, required, position, lead_in, na_allowed, one_of, text)
SELECT v.id, 1, v.section, v.col, v.required, v.position, v.lead_in,
       v.section = 4, v.one_of, v.text
  FROM (VALUES
    -- 1. Ausgangslage/Sozialraumanalyse
    (1, 1, 'konzept', true, 1, NULL::text, NULL::smallint,
     'Es liegt eine Bestandsaufnahme vor, welche die soziale Lage, Strukturen und Herausforderungen und Chancen im Quartier abbildet.'),
    (2, 1, 'konzept', false, 2, 'Diese umfasst:', NULL,
     'Analyse und Aufbereitung der Sozialindikatoren (Sozialmonitoring, Quartiersmonitoring - Soziale Stadtentwicklung, Studie zum Zusammenhalt in den Stadtbezirken)'),
    (3, 1, 'konzept', false, 3, 'Diese umfasst:', NULL,
     'Ermittlung vorhandener, fehlender und Doppelstrukturen vor Ort'),
    (4, 1, 'konzept', false, 4, 'Diese umfasst:', NULL,
     'Darstellung von Kooperations- und Netzwerkstrukturen'),
    (5, 1, 'konzept', false, 5, 'Diese umfasst:', NULL,
     'Ergebnisse aus den qualitativen Methodenwendungen wie z. B. Stadtteilerkundungen, Bedarfsanalysen, Befragungen, Beobachtungen'),
    (6, 1, 'konzept', false, 6, 'Diese umfasst:', NULL,
     'Einbezug der Erkenntnisse und Erfahrungen aus früheren Prozessen'),
    (7, 1, 'konzept', false, 7, 'Diese umfasst:', NULL,
     'Einbeziehung der Erkenntnisse und Erfahrungen von bestehenden Initiativen, Selbstorganisationen, sofern es die gibt'),
    (8, 1, 'konzept', false, 8, 'Diese umfasst:', NULL,
     'Bedarfsabschätzung und Prioritätensetzung'),
    -- 2. Zielsteuerung
    (9, 2, 'konzept', true, 1, NULL, NULL,
     'Die Ziele sind (partizipativ) formuliert. Sie sind konkret und auf die spezifischen Rahmen- und Arbeitsbedingungen im Quartier abgestimmt, messbar, von allen Beteiligten akzeptiert, realistisch und terminiert (SMART)'),
    (10, 2, 'konzept', true, 2, NULL, NULL, 'Sie sind messbar.'),
    (11, 2, 'konzept', true, 3, NULL, NULL, 'Sie sind realistisch und daher grundsätzlich erreichbar.'),
    (12, 2, 'konzept', true, 4, NULL, NULL, 'Sie sind terminiert.'),
    (13, 2, 'konzept', true, 5, NULL, NULL,
     'Zielformulierung sieht agile Herangehensweise (Anpassung der Ziele im Projektverlauf) vor.'),
    (14, 2, 'prozess', true, 1, NULL, NULL,
     'Die Ziele sind akzeptiert (ein weitgehender Konsens zwischen den beteiligten Akteur*innen besteht).'),
    (15, 2, 'prozess', true, 2, NULL, NULL,
     'Agile Herangehensweise an die Umsetzung wird praktiziert. Ziele können im Projektverlauf angepasst und erweitert werden.'),
    -- 3. Evaluation
    (16, 3, 'konzept', true, 1, NULL, NULL,
     'Eine (partizipative) Überprüfung der Ziele ist in der Konzeption als obligatorisch festgeschrieben.'),
    (17, 3, 'prozess', true, 1, NULL, NULL,
     'Eine (partizipative) Überprüfung der Zielerreichung ist obligatorisch und wird fortlaufend, spätestens zum Projektabschluss, durchgeführt.'),
    (18, 3, 'prozess', false, 2, NULL, NULL,
     'Es werden sowohl qualitative (soziometrische Verfahren, teilnehmende Beobachtung, Interview, Einschätzskalen, Audio- und Videoaufnahmen) als auch quantitative Methoden der Evaluation angewendet.'),
    (19, 3, 'prozess', true, 3, 'Die Evaluation beinhaltet:', NULL,
     '(schriftliche) Dokumentation und Auswertung der Maßnahmen,'),
    (20, 3, 'prozess', true, 4, 'Die Evaluation beinhaltet:', NULL,
     'Darstellung der Qualitätsmessung der Maßnahmen bzgl. Zielerreichung und Zielüberprüfung und'),
    (21, 3, 'prozess', true, 5, 'Die Evaluation beinhaltet:', NULL,
     'Analyse und Bewertung des gesamten Prozesses.'),
    (22, 3, 'prozess', false, 6, NULL, NULL,
     'Durchführung einer niedrigschwelligen Veranstaltung im Quartier zum Abschluss des Projektes.'),
    (23, 3, 'prozess', false, 7, NULL, NULL,
     'Darstellung der Übertragbarkeit der „guten Ideen“ auf andere Quartiere im Abschlussbericht.'),
    (24, 3, 'prozess', false, 8, NULL, NULL,
     'Darstellung der Chancen und Herausforderungen im spezifischen Prozess im Abschlussbericht.'),
    -- 4. Quartierskoordination (falls vorhanden)
    (25, 4, 'konzept', true, 1, NULL, NULL,
     'Die Aufgaben der Quartierskoordination: Bindeglied und Brücke zwischen Menschen und Gruppen im Quartier, Institutionen: zuständige Akteur*innen (Träger oder Personen) sind benannt.'),
    (26, 4, 'konzept', true, 2, NULL, NULL,
     'Die Quartierskoordination ist im Quartier angesiedelt, verfügt z. B. über Räume im Quartier und das Büro ist am besten an mehreren (in der Regel mindestens drei) Wochentagen für die Einwohner*innen geöffnet.'),
    (27, 4, 'prozess', true, 1, NULL, NULL,
     'Sie ermöglicht allen Beteiligten einen niedrigschwelligen Zugang.'),
    (28, 4, 'prozess', true, 2, NULL, NULL,
     'Sie fördert aktiv den Austausch und Diskussionen zu quartiersentwickelnden Themen.'),
    (29, 4, 'prozess', true, 3, 'Die Quartierskoordination übernimmt folgende Aufgaben:', NULL,
     'Festlegung, Umsetzung und Anpassung der Projektziele'),
    (30, 4, 'prozess', true, 4, 'Die Quartierskoordination übernimmt folgende Aufgaben:', NULL,
     'Sicherung einer langfristigen Arbeits- und Partizipationsstruktur'),
    (31, 4, 'prozess', true, 5, 'Die Quartierskoordination übernimmt folgende Aufgaben:', NULL,
     'Förderung und bei Bedarf Befähigung zur Beteiligung von Menschen im Quartier'),
    (32, 4, 'prozess', true, 6, 'Die Quartierskoordination übernimmt folgende Aufgaben:', NULL,
     'Aufbau, Förderung und Weiterentwicklung von Vernetzungsstrukturen'),
    (33, 4, 'prozess', true, 7, 'Die Quartierskoordination übernimmt folgende Aufgaben:', NULL,
     'Förderung von Nachbarschaften und Gemeinschaften durch die Initiierung von Maßnahmen, die Begegnung im Quartier fördern, gemeinschaftliche Aktionen und Veranstaltungen'),
    (34, 4, 'prozess', true, 8, 'Die Quartierskoordination übernimmt folgende Aufgaben:', NULL,
     'Einbindung von Multiplikator*innen für die Beteiligung sogenannter stiller oder schwer erreichbarer Gruppen'),
    (35, 4, 'prozess', true, 9, 'Die Quartierskoordination übernimmt folgende Aufgaben:', NULL,
     'Lots*innenfunktion für persönliche Anliegen der Einwohnerschaft im Quartier'),
    (36, 4, 'prozess', true, 10, 'Die Quartierskoordination übernimmt folgende Aufgaben:', NULL,
     'Übermittlung der Bedürfnisse und Bedarfe aus dem Quartier in die Stadtverwaltung'),
    (37, 4, 'prozess', true, 11, 'Die Quartierskoordination übernimmt folgende Aufgaben:', NULL,
     'Verwaltung eines Quartiersfonds'),
    (38, 4, 'prozess', true, 12, 'Qualifikationen der Quartierskoordination', NULL,
     'Sozialarbeiterische und sozialwissenschaftliche Kompetenzen'),
    (39, 4, 'prozess', true, 13, 'Qualifikationen der Quartierskoordination', NULL,
     'Erfahrung in partizipativer Quartiersentwicklung'),
    (40, 4, 'prozess', true, 14, 'Qualifikationen der Quartierskoordination', NULL,
     'Erfahrung in Engagementförderung'),
    (41, 4, 'prozess', true, 15, 'Qualifikationen der Quartierskoordination', NULL,
     'Erfahrung in der Gestaltung niedrigschwelliger Zugänge zu Beteiligung und Teilhabe (Partizipation)'),
    (42, 4, 'prozess', true, 16, 'Qualifikationen der Quartierskoordination', NULL,
     'Kenntnisse zu Methoden der Sozialraumanalyse'),
    (43, 4, 'prozess', true, 17, 'Qualifikationen der Quartierskoordination', NULL,
     'Erfahrung im Projektmanagement'),
    (44, 4, 'prozess', true, 18, 'Qualifikationen der Quartierskoordination', NULL,
     'Vorwissen über Verwaltungsstrukturen und -abläufe'),
    (45, 4, 'prozess', true, 19, 'Qualifikationen der Quartierskoordination', NULL,
     'Vorwissen über soziale Systeme und soziale Unterstützungsangebote'),
    (46, 4, 'prozess', true, 20, 'Qualifikationen der Quartierskoordination', NULL,
     'Möglichst praktische Erfahrungen in zugehenden Arbeitsweisen'),
    (47, 4, 'prozess', true, 21, 'Qualifikationen der Quartierskoordination', NULL,
     'Moderation von Gruppen und Veranstaltungen unterschiedlicher Größen'),
    (48, 4, 'prozess', true, 22, 'Qualifikationen der Quartierskoordination', NULL,
     'Interkulturelle Kompetenz und Verständnis für sogenannte stille Gruppen'),
    (49, 4, 'prozess', true, 23, 'Qualifikationen der Quartierskoordination', NULL,
     'Vermittlung zwischen unterschiedlichen und/ oder gegensätzlichen Interessen'),
    (50, 4, 'prozess', true, 24, 'Qualifikationen der Quartierskoordination', NULL,
     'Öffentlichkeitsarbeit'),
    -- 5. Partizipation
    (51, 5, 'konzept', true, 1, NULL, NULL,
     'Alle relevanten bislang bekannten Akteur*innen sind von Beginn an eingebunden.'),
    (52, 5, 'konzept', true, 2, NULL, NULL,
     'Formelle und informelle Beteiligungsformate sind benannt.'),
    (53, 5, 'prozess', true, 1, NULL, NULL,
     'Die ggf. nicht vorhandenen methodischen Kompetenzen werden durch Qualifizierungsmaßnahmen ausgebaut.'),
    (54, 5, 'prozess', true, 2, NULL, NULL,
     'Die Intensität der Beteiligung ist abgestuft nach Information, Anhörung, Einbeziehung, Mitbestimmung, Entscheidung, wird transparent gemacht und verständlich kommuniziert.'),
    (55, 5, 'prozess', true, 3, NULL, NULL,
     'Es wird kommuniziert, welche Beteiligungsergebnisse umsetzbar sind und wann die Umsetzung erfolgt.'),
    (56, 5, 'prozess', true, 4, NULL, NULL, 'Das Recht auf Nichtbeteiligung wird akzeptiert.'),
    (57, 5, 'prozess', false, 5, NULL, NULL,
     'Die Umsetzung der Partizipation wird evaluiert und Erkenntnisse auf andere Prozesse übertragen.'),
    -- 6. Gesellschaftliches Engagement
    (58, 6, 'konzept', true, 1, NULL, NULL,
     'Die Stärkung gesellschaftlichen Engagements ist als Ziel benannt und konzeptionell verortet.'),
    (59, 6, 'prozess', true, 1, NULL, NULL,
     'Gesellschaftliches Engagement wird ausdrücklich unterstützt. Dazu zählen das Engagement von Nachbarschaften, Initiativen, Projekten, Vereinen, Gewerbetreibenden und Stiftungen.'),
    (60, 6, 'prozess', true, 2, NULL, NULL,
     'Hauptamtliche der Stadtverwaltung, der Träger und der Institutionen und Engagierte in den Quartieren kommunizieren auf Augenhöhe.'),
    (61, 6, 'prozess', true, 3, NULL, NULL,
     'Der besondere Fokus liegt auf der Zusammenarbeit von gesellschaftlich Engagierten und Hauptamtlichen.'),
    (62, 6, 'prozess', true, 4, NULL, NULL,
     'Engagierte werden anerkannt, unterstützt, begleitet, informiert, qualifiziert und beraten.'),
    (63, 6, 'prozess', true, 5, NULL, NULL,
     'Den Engagierten werden Räume und weitere Ressourcen zur Verfügung gestellt, um ihnen die Teilhabe und Umsetzung der Angebote zu ermöglichen.'),
    (64, 6, 'prozess', false, 6, NULL, NULL,
     'Die Entwicklung des gesellschaftlichen Engagements und die dafür notwendigen Unterstützungsangebote werden evaluiert.'),
    -- 7. Verstetigung
    (65, 7, 'konzept', true, 1,
     'Das Projekt muss darstellen, wie die bewährten Maßnahmen dauerhaft verankert werden können.', 1,
     'ohne öffentliche Förderung oder'),
    (66, 7, 'konzept', true, 2,
     'Das Projekt muss darstellen, wie die bewährten Maßnahmen dauerhaft verankert werden können.', 1,
     '(sofern notwendig) mit öffentlicher Förderung, um nachhaltige Strukturen abzusichern.'),
    (67, 7, 'prozess', true, 1, NULL, NULL,
     'Im Laufe des Prozesses werden Ansätze zur Verstetigung entwickelt.'),
    (68, 7, 'prozess', true, 2, NULL, NULL, 'Die Verstetigung ist ein Aspekt der Evaluation.'),
    (69, 7, 'prozess', true, 3, NULL, NULL,
     'Strategien zur Verstetigung werden in den Jahresberichten dargestellt.')
  ) AS v(id, section, col, required, position, lead_in, one_of, text);

SELECT setval(pg_get_serial_sequence('criterion', 'id'), (SELECT max(id) FROM criterion));

-- ----------------------------------------------------------------------
--  Evaluation of assessments
-- ----------------------------------------------------------------------

-- Every criterion of an assessment's catalogue version with its rating
-- (NULL: not rated) and whether it is a missing required criterion (the
-- rule is in the comment at the top of this file).
CREATE VIEW assessment_criterion_v AS
SELECT a.id AS assessment_id, c.id AS criterion_id, c.required, r.rating, r.note,
       (c.required AND NOT coalesce(
            r.rating = 'met'
            OR (r.rating = 'not_applicable' AND c.na_allowed)
            OR (c.one_of IS NOT NULL AND EXISTS (
                    SELECT 1 FROM assessment_rating r2 JOIN criterion c2 ON c2.id = r2.criterion_id
                     WHERE r2.assessment_id = a.id AND r2.rating = 'met'
                       AND c2.version = c.version AND c2.one_of = c.one_of)),
            false)) AS missing
  FROM assessment a
  JOIN criterion c ON c.version = a.catalogue_version
  LEFT JOIN assessment_rating r ON r.assessment_id = a.id AND r.criterion_id = c.id;

-- An assessment with its names resolved and its result: the missing
-- required criteria in catalogue order, and counts.
CREATE VIEW assessment_v AS
SELECT a.id, a.project_id, p.name AS project_name, a.phase, a.catalogue_version,
       a.assessor_id, acc.display_name AS assessor_name, a.assessed_on::text AS assessed_on,
       a.summary, extract(epoch FROM a.created_at)::bigint AS created_at,
       s.required_total, s.enhancing_total, s.enhancing_met, s.rated, s.missing_ids
  FROM assessment a
  JOIN project p ON p.id = a.project_id
  LEFT JOIN account acc ON acc.id = a.assessor_id
  CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE f.required) AS required_total,
           count(*) FILTER (WHERE NOT f.required) AS enhancing_total,
           count(*) FILTER (WHERE NOT f.required AND f.rating = 'met') AS enhancing_met,
           count(f.rating) AS rated,
           coalesce(array_agg(c.id ORDER BY c.section, c.col, c.position)
                    FILTER (WHERE f.missing), '{}') AS missing_ids
      FROM assessment_criterion_v f JOIN criterion c ON c.id = f.criterion_id
     WHERE f.assessment_id = a.id) s;

-- One row per criterion of the assessment's version: the assessment's
-- columns (assessment_v), the criterion, its rating and note (NULL when
-- not rated) and whether it is missing.
CREATE VIEW assessment_detail_v AS
SELECT v.*, c.id AS criterion_id, c.section, c.col, c.required, c.position, c.lead_in,
       c.na_allowed, c.one_of, c.text, f.rating, f.note, f.missing
  FROM assessment_v v
  JOIN assessment_criterion_v f ON f.assessment_id = v.id
  JOIN criterion c ON c.id = f.criterion_id;

CREATE FUNCTION qt_assessment_snapshot(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT to_jsonb(a) || jsonb_build_object(
               'ratings', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                               'criterion_id', r.criterion_id,
                                               'rating', r.rating, 'note', r.note)
                                           ORDER BY r.criterion_id)
                                      FROM assessment_rating r WHERE r.assessment_id = a.id),
                                   '[]'),
               'missing_ids', v.missing_ids)
      FROM assessment a JOIN assessment_v v ON v.id = a.id WHERE a.id = p_id
$$;

-- Records an assessment with all its ratings at once.  p_version NULL:
-- the latest catalogue version; p_on NULL: today.  p_criteria, p_ratings
-- and p_notes are parallel arrays.
CREATE FUNCTION qt_assessment_create(p_actor bigint, p_project bigint, p_phase text,
    p_version integer, p_on date, p_summary text,
    p_criteria bigint[], p_ratings text[], p_notes text[])
RETURNS SETOF assessment_detail_v LANGUAGE plpgsql AS $$
DECLARE
    ver integer;
    bad bigint;
    new_id bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM project WHERE id = p_project) THEN
        RAISE EXCEPTION 'unknown project %', p_project USING ERRCODE = 'Q0400', COLUMN = 'project_id';
    END IF;
    ver := coalesce(p_version, (SELECT max(version) FROM catalogue_version));
    IF ver IS NULL OR NOT EXISTS (SELECT 1 FROM catalogue_version WHERE version = ver) THEN
        RAISE EXCEPTION 'unknown catalogue version %', coalesce(ver::text, '(none)')
            USING ERRCODE = 'Q0400', COLUMN = 'catalogue_version';
    END IF;
    IF coalesce(p_on, current_date) > current_date THEN
        RAISE EXCEPTION 'assessed_on % lies in the future', p_on
            USING ERRCODE = 'Q0400', COLUMN = 'assessed_on';
    END IF;
    IF cardinality(p_criteria) IS DISTINCT FROM cardinality(p_ratings)
       OR cardinality(p_criteria) IS DISTINCT FROM cardinality(p_notes) THEN
        RAISE EXCEPTION 'criteria, ratings and notes differ in length'
            USING ERRCODE = 'Q0400', COLUMN = 'ratings';
    END IF;
    SELECT x INTO bad FROM unnest(p_criteria) x GROUP BY x HAVING count(*) > 1 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'criterion % is rated more than once', bad
            USING ERRCODE = 'Q0400', COLUMN = 'ratings.criterion_id';
    END IF;
    SELECT x INTO bad FROM unnest(p_criteria) x
     WHERE NOT EXISTS (SELECT 1 FROM criterion WHERE id = x AND version = ver) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'criterion % is not in catalogue version %', bad, ver
            USING ERRCODE = 'Q0400', COLUMN = 'ratings.criterion_id';
    END IF;
    INSERT INTO assessment (project_id, phase, catalogue_version, assessor_id, assessed_on, summary)
    VALUES (p_project, p_phase, ver, p_actor, coalesce(p_on, current_date), coalesce(p_summary, ''))
    RETURNING id INTO new_id;
    INSERT INTO assessment_rating (assessment_id, catalogue_version, criterion_id, rating, note)
    SELECT new_id, ver, u.criterion, u.rating, coalesce(u.note, '')
      FROM unnest(p_criteria, p_ratings, p_notes) AS u(criterion, rating, note);
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'assessment.create', 'assessment', new_id, NULL,
            qt_assessment_snapshot(new_id));
    RETURN QUERY SELECT * FROM assessment_detail_v WHERE id = new_id
                  ORDER BY section, col, position;
END $$;

-- ----------------------------------------------------------------------
--  Continuation (Verstetigung)
-- ----------------------------------------------------------------------

CREATE TABLE continuation (
    project_id      bigint PRIMARY KEY REFERENCES project(id),
    version         bigint NOT NULL DEFAULT 1,
    funding_ends_on date,                            -- end of the current funding, if known
    summary         text NOT NULL DEFAULT '',
    -- Set by the coordination: a proposal; by the lead office or an
    -- admin: agreed (server/perm.c, perm_continuation_agreed()).
    status          text NOT NULL CHECK (status IN ('proposed', 'agreed')),
    updated_by      bigint REFERENCES account(id),   -- NULL: recorded on the host
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The building blocks of chapter 9 a plan uses, each at most once.
CREATE TABLE continuation_block (
    project_id   bigint NOT NULL REFERENCES continuation(project_id),
    block        text NOT NULL CHECK (block IN ('city_overall_responsibility',
                   'standing_facility', 'organised_civic_engagement', 'established_network',
                   'district_head', 'city_services')),
    responsible  text NOT NULL,                      -- who takes the tasks
    tasks        text NOT NULL,                      -- which tasks
    resources    text NOT NULL DEFAULT '',           -- with which resources
    PRIMARY KEY (project_id, block)
);

-- The plan of a project as the protocol returns it: one row per building
-- block (or one row with NULL block columns), for every project, with or
-- without a plan (version 0: none yet).
CREATE VIEW continuation_v AS
SELECT p.id AS project_id, p.name AS project_name, p.end_date::text AS project_end_date,
       coalesce(c.version, 0) AS version, c.funding_ends_on::text AS funding_ends_on,
       c.summary, c.status, c.updated_by,
       extract(epoch FROM c.updated_at)::bigint AS updated_at,
       b.block, b.responsible, b.tasks, b.resources,
       array_position(ARRAY['city_overall_responsibility', 'standing_facility',
                            'organised_civic_engagement', 'established_network',
                            'district_head', 'city_services'], b.block) AS block_order
  FROM project p
  LEFT JOIN continuation c ON c.project_id = p.id
  LEFT JOIN continuation_block b ON b.project_id = c.project_id;

CREATE FUNCTION qt_continuation_snapshot(p_project bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT to_jsonb(c) || jsonb_build_object(
               'blocks', coalesce((SELECT jsonb_agg(to_jsonb(b) - 'project_id' ORDER BY b.block)
                                     FROM continuation_block b WHERE b.project_id = c.project_id),
                                  '[]'))
      FROM continuation c WHERE c.project_id = p_project
$$;

-- Replaces the plan of a project as a whole if it still has version
-- p_expected (0: there is no plan yet).  p_blocks, p_responsible, p_tasks
-- and p_resources are parallel arrays.
CREATE FUNCTION qt_continuation_set(p_actor bigint, p_project bigint, p_expected bigint,
    p_status text, p_funding_ends date, p_summary text,
    p_blocks text[], p_responsible text[], p_tasks text[], p_resources text[])
RETURNS SETOF continuation_v LANGUAGE plpgsql AS $$
DECLARE
    cur continuation%ROWTYPE;
    before_json jsonb;
    bad text;
BEGIN
    PERFORM 1 FROM project WHERE id = p_project FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown project %', p_project USING ERRCODE = 'Q0404', COLUMN = 'project_id';
    END IF;
    IF cardinality(p_blocks) IS DISTINCT FROM cardinality(p_responsible)
       OR cardinality(p_blocks) IS DISTINCT FROM cardinality(p_tasks)
       OR cardinality(p_blocks) IS DISTINCT FROM cardinality(p_resources) THEN
        RAISE EXCEPTION 'the block arrays differ in length' USING ERRCODE = 'Q0400', COLUMN = 'blocks';
    END IF;
    SELECT x INTO bad FROM unnest(p_blocks) x GROUP BY x HAVING count(*) > 1 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'building block % is named more than once', bad
            USING ERRCODE = 'Q0400', COLUMN = 'blocks.block';
    END IF;
    SELECT * INTO cur FROM continuation WHERE project_id = p_project FOR UPDATE;
    IF coalesce(cur.version, 0) <> p_expected THEN
        RAISE EXCEPTION 'the continuation plan of project % has version %, not %', p_project,
            coalesce(cur.version, 0), p_expected USING ERRCODE = 'Q0409', COLUMN = 'expected_version';
    END IF;
    before_json := qt_continuation_snapshot(p_project);
    IF cur.project_id IS NULL THEN
        INSERT INTO continuation (project_id, funding_ends_on, summary, status, updated_by)
        VALUES (p_project, p_funding_ends, coalesce(p_summary, ''), p_status, p_actor);
    ELSE
        UPDATE continuation SET funding_ends_on = p_funding_ends,
               summary = coalesce(p_summary, ''), status = p_status, updated_by = p_actor,
               version = version + 1, updated_at = now()
         WHERE project_id = p_project;
        DELETE FROM continuation_block WHERE project_id = p_project;
    END IF;
    INSERT INTO continuation_block (project_id, block, responsible, tasks, resources)
    SELECT p_project, u.block, u.responsible, u.tasks, coalesce(u.resources, '')
      FROM unnest(p_blocks, p_responsible, p_tasks, p_resources)
           AS u(block, responsible, tasks, resources);
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'continuation.set', 'continuation', p_project, before_json,
            qt_continuation_snapshot(p_project));
    RETURN QUERY SELECT * FROM continuation_v WHERE project_id = p_project
                  ORDER BY block_order;
END $$;
