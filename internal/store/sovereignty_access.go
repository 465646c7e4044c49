package store

import (
	"slices"
	"strconv"
	"strings"

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

// Reports are not checked with visible: their releasability is expanded ahead of time into
// report_audience rows, one per audience key of the report ([access.Audiences]), written with
// the report. A reader holds the keys of [access.User.AudienceKeys]; the report is readable
// exactly when one of its rows carries one of them (package access tests the equivalence
// with [access.CanRead]).

// reportVisible returns a boolean SQL expression, with "?" placeholders and their arguments,
// that is true exactly for the rows of reports alias a that carry one of keys (none: false).
// It probes the primary key of report_audience once per key.
func reportVisible(a string, keys []string) (string, []any) {
	if len(keys) == 0 {
		return "1 = 0", nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	return "EXISTS (SELECT 1 FROM report_audience x WHERE x.audience IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(keys)), ", ") +
		") AND x.observed = " + a + ".observed AND x.report_id = " + a + ".id)", args
}

// levelKeys keeps the keys under which a report of level tlp can be found (all of them when
// tlp is empty): a query restricted to one level skips the key ranges that cannot hold it.
func levelKeys(keys []string, tlp access.TLP) []string {
	if tlp == "" {
		return keys
	}
	var out []string
	for _, k := range keys {
		if slices.Contains(access.KeyLevels(k), tlp) {
			out = append(out, k)
		}
	}
	return out
}
