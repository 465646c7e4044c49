package access

import "slices"

// Derived returns the markings of a record derived from records marked ms (an alert the
// detectors draw from several feeds), originated by originator: no user other than
// originator may read it unless he may read every one of ms (package tests check this
// against [CanRead]). originator should be the common originator of ms, or a code no user's
// agency has when they differ; Derived does not check it.
//
// The level is the most restrictive of ms. REL TO is the intersection of the REL TO lists of
// the records that restrict their audience (CLEAR, and GREEN without REL TO, restrict
// nothing); at RED only named recipients are kept, at GREEN and AMBER only states and
// agencies. When a record restricts its audience and the intersection is empty, GREEN is
// raised to AMBER, whose empty REL TO leaves the originator alone. The intersection compares
// entries as written: a state and one of its agencies do not meet, which only narrows the
// audience. Markings that fail [Markings.Validate] count as RED without recipients. With no
// records, Derived is CLEAR.
func Derived(originator string, ms ...Markings) Markings {
	out := Markings{Originator: originator, TLP: TLPClear}
	restricted := false
	var common []Target
	for _, m := range ms {
		if m.Validate() != nil {
			// Read by its originator alone: as restrictive as RED without recipients.
			m = Markings{Originator: m.Originator, TLP: TLPRed}
		}
		if slices.Index(TLPs, m.TLP) > slices.Index(TLPs, out.TLP) {
			out.TLP = m.TLP
		}
		if m.TLP == TLPClear || m.TLP == TLPGreen && len(m.RelTo) == 0 {
			continue
		}
		if !restricted {
			restricted, common = true, slices.Clone(m.RelTo)
			continue
		}
		common = slices.DeleteFunc(common, func(t Target) bool { return !slices.Contains(m.RelTo, t) })
	}
	if !restricted {
		return out
	}
	for _, t := range common {
		switch {
		case out.TLP == TLPRed && t.Type == TargetUser,
			(out.TLP == TLPGreen || out.TLP == TLPAmber) && (t.Type == TargetState || t.Type == TargetAgency):
			out.RelTo = append(out.RelTo, t)
		}
	}
	if out.TLP == TLPGreen && len(out.RelTo) == 0 {
		out.TLP = TLPAmber
	}
	return out
}
