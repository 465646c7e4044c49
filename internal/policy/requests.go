package policy

import (
	"time"

	"accord/internal/ops"
)

// Requests turns the consents a decision still requires into requests routed to each state's
// designated authority (the host authority, the Senate, the arms authority, the flag state,
// a partner's approver), each asking for the operation's scope: its area (nil for a point:
// the authority narrows it when granting), its window, its force ceiling and its participants
// foreign to the asked state. IDs are operationID/STATE/role. by is the requesting user; at
// the request time (UTC).
func Requests(op *ops.Operation, d Decision, operationID, by string, at time.Time) []ops.ConsentRequest {
	var out []ops.ConsentRequest
	for _, c := range d.RequiredConsents {
		var parts []ops.Participant
		for _, p := range op.Participants {
			if p.State != c.State {
				parts = append(parts, p)
			}
		}
		out = append(out, ops.ConsentRequest{
			ID: operationID + "/" + c.State + "/" + c.Role, OperationID: operationID,
			State: c.State, Authority: c.Authority, Role: c.Role,
			RequestedBy: by, RequestedAt: at.UTC(),
			Scope: ops.Consent{
				State: c.State, Authority: c.Authority, Area: op.Place.Area,
				Start: op.Start, End: op.End, MaxForceLevel: op.ForceLevel, Participants: parts,
			},
		})
	}
	return out
}
