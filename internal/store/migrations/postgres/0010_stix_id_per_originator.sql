-- Accord store, PostgreSQL dialect, version 10: a STIX id is unique within its originator's
-- records, not across the node. Until version 9 reports, entities and links carried a global
-- UNIQUE (stix_id), so creating a record with the STIX id of another agency's record the writer
-- may not read was refused with a conflict: the refusal told the writer that the hidden record
-- exists. A writer only writes records originated by its own agency, and its agency's records
-- are all readable by it (access.CanRead, rule 2), so a conflict on (stix_id, originator) only
-- ever names a record the writer may read. The index leads with stix_id so that a look-up by
-- STIX id alone (several originators may carry one) uses it too.
ALTER TABLE reports DROP CONSTRAINT reports_stix_id_key;
CREATE UNIQUE INDEX reports_stix_originator ON reports(stix_id, originator);
ALTER TABLE entities DROP CONSTRAINT entities_stix_id_key;
CREATE UNIQUE INDEX entities_stix_originator ON entities(stix_id, originator);
ALTER TABLE links DROP CONSTRAINT links_stix_id_key;
CREATE UNIQUE INDEX links_stix_originator ON links(stix_id, originator);
