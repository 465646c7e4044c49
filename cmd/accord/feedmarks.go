package main

import (
	"fmt"

	"accord/internal/access"
)

// checkFeedMarkings checks the markings configured for a feed: originator (an agency code),
// tlp (a TLP 2.0 level) and relTo (REL TO entries: "MEX" or "state:MEX" for a state,
// "agency:DEA" for an agency, "user:17" for a named recipient of a RED feed; a bare
// three-letter upper-case code is a state). The rules are those of package access: CLEAR
// takes no REL TO, GREEN and AMBER name states and agencies, AMBER+STRICT none, RED users.
// fields names the three settings (JSON keys or flags) in the error, so that the operator
// knows which one to fix.
func checkFeedMarkings(originator, tlp string, relTo []string, fields [3]string) error {
	if !access.ValidAgencyCode(originator) {
		return fmt.Errorf("%s %q: name the agency that owns the feed's data by its code, e.g. SEMAR", fields[0], originator)
	}
	if err := checkTLP(tlp); err != nil {
		return fmt.Errorf("%s: %w", fields[1], err)
	}
	m := access.Markings{Originator: originator, TLP: access.TLP(tlp)}
	for _, s := range relTo {
		t, err := access.ParseTarget(s)
		if err != nil {
			return fmt.Errorf("%s entry %q: %w (write MEX or state:MEX, agency:DEA, user:17)", fields[2], s, err)
		}
		m.RelTo = append(m.RelTo, t)
	}
	if err := m.Validate(); err != nil {
		return fmt.Errorf("%s with %s %s: %w", fields[2], fields[1], tlp, err)
	}
	return nil
}
