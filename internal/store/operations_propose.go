package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"accord/internal/ledger"
	"accord/internal/ops"
	"accord/internal/policy"
)

// proposeFault, when set (by tests), is called after each write of a proposal with the number
// of writes done; an error makes the proposal fail there.
var proposeFault func(done int) error

// ProposeOperation records a proposed operation with everything recorded with it: op with its
// markings and audience m, the policy engine's first decision d (id decisionID, made at at),
// and reqs, one consent request per consent d requires. It does so in one transaction, with one
// ledger entry per record ("operation.plan", "policy.decide", then "consent.request" for each
// request, in that order):
// either all of it is stored and on the ledger, or none of it (see [Store.ApplyMulti]). Each
// part is validated as by [Store.CreateOperation], [Store.RecordPolicyDecision] and
// [Store.PutConsentRequest]; an existing operation id is ErrAlreadyRecorded. It returns the
// entries' sequence numbers, in that order.
func (s *Store) ProposeOperation(ctx context.Context, op *ops.Operation, m OperationMeta, decisionID string, d policy.Decision, at time.Time,
	reqs []ops.ConsentRequest, actor ledger.Actor) ([]int64, error) {
	var steps []applyStep
	step, err := s.createOperationStep(op, m, actor)
	if err != nil {
		return nil, err
	}
	steps = append(steps, step)
	if step, err = s.policyDecisionStep(decisionID, m.ID, d, at, actor); err != nil {
		return nil, err
	}
	steps = append(steps, step)
	for _, r := range reqs {
		if r.OperationID != m.ID {
			return nil, fmt.Errorf("store proposal %s: consent request %s is for operation %s", m.ID, r.ID, r.OperationID)
		}
		if step, err = s.consentRequestStep(r, actor); err != nil {
			return nil, err
		}
		steps = append(steps, step)
	}
	fault := proposeFault
	return s.ApplyMulti(ctx, func(ctx context.Context, tx *sql.Tx) ([]ledger.Event, error) {
		evs := make([]ledger.Event, 0, len(steps))
		for i, step := range steps {
			ev, err := step(ctx, tx)
			if err != nil {
				return nil, err
			}
			evs = append(evs, ev)
			if fault != nil {
				if err := fault(i + 1); err != nil {
					return nil, err
				}
			}
		}
		return evs, nil
	})
}
