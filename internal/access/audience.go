package access

import "strconv"

// Audiences: releasability expanded ahead of time.
//
// [CanRead] decides one (user, record) pair. A store listing a million records cannot ask it
// row by row, so the rules are also stated as sets of audience keys: a record carries the keys
// of every audience that may read it ([Audiences]), a reader holds the keys that name him
// ([User.AudienceKeys]), and the reader may read the record exactly when the two sets meet
// (TestAudiencesAgreeWithCanRead checks this against CanRead over every combination of the
// rules' cases). A store keeps one (key, record) row per audience of a record and selects by
// key with an index, so releasability costs an index range per key instead of a check per
// record.
//
// Keys are "*" (every reader of the node), "state:<ISO alpha-3>", "agency:<code>" and
// "user:<id>", the last three in the form of [Target.String].

// AudienceAll is the key of every reader of the node (TLP:CLEAR, and TLP:GREEN without REL TO).
const AudienceAll = "*"

// Audiences returns the audience keys of a record marked m: the originating agency (rule 2),
// AudienceAll for CLEAR and for GREEN without REL TO, the REL TO states and agencies for GREEN
// and AMBER, the named recipients for RED. Markings that fail [Markings.Validate] have the
// originator's key only. Keys are unique, in the order above.
func Audiences(m Markings) []string {
	out := []string{"agency:" + m.Originator}
	if m.Validate() != nil {
		return out
	}
	add := func(k string) {
		for _, have := range out {
			if have == k {
				return
			}
		}
		out = append(out, k)
	}
	switch m.TLP {
	case TLPClear:
		add(AudienceAll)
	case TLPGreen, TLPAmber:
		if m.TLP == TLPGreen && len(m.RelTo) == 0 {
			add(AudienceAll)
		}
		for _, t := range m.RelTo {
			if t.Type == TargetState || t.Type == TargetAgency {
				add(t.String())
			}
		}
	case TLPRed:
		for _, t := range m.RelTo {
			if t.Type == TargetUser {
				add(t.String())
			}
		}
	}
	return out
}

// AudienceKeys returns the keys of the audiences u belongs to: AudienceAll, u's state, u's
// agency and u himself. A user who may read no record ([User.Reader] false, or no agency) has
// none.
func (u User) AudienceKeys() []string {
	if !u.Reader() || u.Agency == "" {
		return nil
	}
	return []string{AudienceAll, "state:" + u.State, "agency:" + u.Agency, "user:" + strconv.FormatInt(u.ID, 10)}
}

// AggregateKeys returns the keys for views that show no record in full (the monitor's
// aggregates and redacted lists): the audiences of u's agency and state, as if u held a
// reading role, without the named-recipient key: TLP:RED goes to named readers only, so a
// monitor's views include a RED record only when the monitor's own agency originated it. A
// user without any role, or without an agency, has none.
func (u User) AggregateKeys() []string {
	if len(u.Roles) == 0 || u.Agency == "" {
		return nil
	}
	return []string{AudienceAll, "state:" + u.State, "agency:" + u.Agency}
}

// KeyLevels returns the TLP levels a record may have to carry audience key k other than as its
// originator's: AudienceAll CLEAR and GREEN; a state GREEN and AMBER; an agency every level
// (it may be the originator); a user RED. A store uses it to skip, for a query restricted to
// one level, the keys that cannot match.
func KeyLevels(k string) []TLP {
	switch {
	case k == AudienceAll:
		return []TLP{TLPClear, TLPGreen}
	case len(k) > 6 && k[:6] == "state:":
		return []TLP{TLPGreen, TLPAmber}
	case len(k) > 5 && k[:5] == "user:":
		return []TLP{TLPRed}
	}
	return TLPs
}
