package store

import (
	"strconv"

	"accord/internal/access"
)

// visible returns a boolean SQL expression, with "?" placeholders and their arguments, that is
// true exactly for the rows of table alias a (columns id, originator, tlp; kind "report",
// "entity" or "link" in rel_to) that u may read under the rules of package access
// ([access.CanRead]). Every read query of this store ANDs it into its WHERE clause, so that a
// record the user may not read is never fetched.
//
//   - a user without a reading role (none, or monitor): false;
//   - the user's agency is the originator: true;
//   - CLEAR: true;
//   - GREEN: REL TO empty, or it lists the user's state or agency;
//   - AMBER: REL TO lists the user's state or agency;
//   - AMBER+STRICT: only the originator (above);
//   - RED: REL TO lists the user's id.
func visible(kind, a string, u access.User) (string, []any) {
	if !u.Reader() || u.Agency == "" {
		return "1 = 0", nil
	}
	rel := "SELECT 1 FROM rel_to x WHERE x.kind = '" + kind + "' AND x.record_id = " + a + ".id"
	expr := "(" + a + ".originator = ?" +
		" OR " + a + ".tlp = 'CLEAR'" +
		" OR (" + a + ".tlp IN ('GREEN', 'AMBER') AND EXISTS (" + rel +
		" AND ((x.target_type = 'state' AND x.target = ?) OR (x.target_type = 'agency' AND x.target = ?))))" +
		" OR (" + a + ".tlp = 'GREEN' AND NOT EXISTS (" + rel + "))" +
		" OR (" + a + ".tlp = 'RED' AND EXISTS (" + rel + " AND x.target_type = 'user' AND x.target = ?)))"
	return expr, []any{u.Agency, u.State, u.Agency, strconv.FormatInt(u.ID, 10)}
}

// aggregatable is the clause for aggregates shown to monitors: the records the user's agency
// could read if the user held a reading role (counts never reveal records beyond that). RED
// records are never counted for a monitor: they go to named recipients only.
func aggregatable(kind, a string, u access.User) (string, []any) {
	r := u
	r.Roles = []access.Role{access.RoleAnalyst}
	r.ID = -1 // no RED recipient matches
	return visible(kind, a, r)
}
