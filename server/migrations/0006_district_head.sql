-- District heads (Bezirksvorsteher*innen): accounts of role district_head,
-- each linked to the district (Stadtbezirk) it heads.  What they may do is
-- decided in server/perm.c; the database only keeps the link consistent.

ALTER TABLE account DROP CONSTRAINT account_role_check;
ALTER TABLE account ADD CONSTRAINT account_role_check
    CHECK (role IN ('admin', 'office', 'coordinator', 'district_head', 'viewer'));

ALTER TABLE account ADD COLUMN district_id bigint;
ALTER TABLE account ADD CONSTRAINT account_district_id_fkey
    FOREIGN KEY (district_id) REFERENCES district(id);
ALTER TABLE account ADD CONSTRAINT account_district_required
    CHECK (role <> 'district_head' OR district_id IS NOT NULL);
