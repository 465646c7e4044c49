package ops

import (
	"time"
)

// Meta is what is kept about an operation besides its body: the markings (the originating
// agency and the TLP level; REL TO is the audience), the originator's state, who proposed it
// and when, and its audience: the states it is released to (the originator's, the
// participants', the host states of its place, every state a consent is asked of).
type Meta struct {
	ID              string
	Originator      string    // agency code of the proposer
	OriginatorState string    // ISO alpha-3
	TLP             string    // "GREEN" or "AMBER": released to the audience states
	CreatedBy       string    // user name of the proposer
	Created         time.Time // UTC
	Audience        []string  // sorted ISO alpha-3 codes
}

// Record is a stored operation with its Meta.
type Record struct {
	Meta
	Op *Operation
}

// DecisionRecord is one recorded decision of the policy engine on an operation: its id, the
// decision (allow, needs_consent, deny), when it was made (UTC), and the decision's JSON
// (package policy's Decision).
type DecisionRecord struct {
	ID       string
	Decision string
	At       time.Time
	Body     []byte
}

// ConsentRecord is a consent request with its decision (nil while pending).
type ConsentRecord struct {
	Request  ConsentRequest
	Decision *ConsentDecision
}

// Status is "pending" without a decision, else the decision's status at time at
// ([ConsentDecision.Status]: granted, refused, revoked, expired).
func (c ConsentRecord) Status(at time.Time) string {
	if c.Decision == nil {
		return "pending"
	}
	return c.Decision.Status(at)
}

// LiaisonReminder is the reminder recorded when a liaison meeting's report became due, to the
// participating states.
type LiaisonReminder struct {
	OperationID string    `json:"operation_id"`
	Due         time.Time `json:"due"`
	SentAt      time.Time `json:"sent_at"`
	To          []string  `json:"to"`
}

// FollowUp is the report state of one approved liaison meeting: the latest policy decision,
// when the report is due, the report and the reminder (nil when absent).
type FollowUp struct {
	Record
	Decision string
	Due      time.Time
	Report   *LiaisonReport
	Reminder *LiaisonReminder
}

// Status is [LiaisonStatus] at now.
func (f FollowUp) Status(now time.Time) string {
	return LiaisonStatus(f.Op, f.Report != nil, now)
}
