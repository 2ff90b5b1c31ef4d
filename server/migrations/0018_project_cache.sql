-- The reference generation for quartierd's project read cache
-- (server/project_cache.h).
--
-- A cached project (the project_v row) is answered only after one
-- primary-key read confirms that the project row's xmin and version are
-- those it was rendered from, and that this generation has not moved.
-- The row's xmin changes with every write of the project, its quarters,
-- lead offices and coordinators (all go through qt_project_create and
-- qt_project_update, which update the row).  The names project_v carries
-- come from districts, quarters, offices and organisations; any change of
-- those tables moves the generation, so every cached project is read
-- again.  They change seldom (an admin's edit), and a statement trigger
-- costs their writes one UPDATE.
--
-- The generation is the changing transaction's id: it never repeats in a
-- cluster, and a restored database (whose rows all have new xmins) cannot
-- match an entry cached before the restore.

CREATE TABLE qt_ref_gen (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    gen xid8 NOT NULL
);
INSERT INTO qt_ref_gen (gen) VALUES (pg_current_xact_id());

CREATE FUNCTION qt_ref_gen_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE qt_ref_gen SET gen = pg_current_xact_id();
    RETURN NULL;
END $$;

CREATE TRIGGER ref_gen_district AFTER UPDATE OR DELETE OR TRUNCATE ON district
    FOR EACH STATEMENT EXECUTE FUNCTION qt_ref_gen_bump();
CREATE TRIGGER ref_gen_quarter AFTER UPDATE OR DELETE OR TRUNCATE ON quarter
    FOR EACH STATEMENT EXECUTE FUNCTION qt_ref_gen_bump();
CREATE TRIGGER ref_gen_office AFTER UPDATE OR DELETE OR TRUNCATE ON office
    FOR EACH STATEMENT EXECUTE FUNCTION qt_ref_gen_bump();
CREATE TRIGGER ref_gen_organisation AFTER UPDATE OR DELETE OR TRUNCATE ON organisation
    FOR EACH STATEMENT EXECUTE FUNCTION qt_ref_gen_bump();
