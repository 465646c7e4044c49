package ops

import (
	"errors"
	"testing"
	"time"
)

func meeting(t0 time.Time) *Operation {
	return &Operation{Type: LiaisonMeeting, Place: Place{Point: &Point{Lat: 19.43, Lon: -99.13}}, Start: t0, End: t0.Add(2 * time.Hour),
		ForceLevel: 1, Participants: []Participant{{State: "MEX", Agency: "SSPC", Kind: Officer, Count: 2}, {State: "USA", Agency: "DEA", Kind: Agent, Count: 2}}}
}

func TestLiaisonStatus(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)
	m := meeting(t0)
	due, ok := LiaisonReportDue(m)
	if !ok || !due.Equal(t0.Add(2*time.Hour+72*time.Hour)) {
		t.Fatalf("due %v %v", due, ok)
	}
	patrol := *m
	patrol.Type = JointPatrol
	if _, ok := LiaisonReportDue(&patrol); ok || LiaisonStatus(&patrol, false, t0) != "" {
		t.Fatal("a patrol owes a report")
	}
	cases := []struct {
		at        time.Time
		submitted bool
		want      string
	}{
		{t0.Add(-time.Hour), false, LiaisonNotYetDue},
		{t0.Add(time.Hour), false, LiaisonNotYetDue},
		{t0.Add(2 * time.Hour), false, LiaisonDue}, // the end: due from now on
		{due.Add(-time.Nanosecond), false, LiaisonDue},
		{due, false, LiaisonOverdue},
		{due.Add(24 * time.Hour), false, LiaisonOverdue},
		{due.Add(24 * time.Hour), true, LiaisonSubmitted},
		{t0.Add(time.Hour), true, LiaisonSubmitted},
	}
	for _, tc := range cases {
		if got := LiaisonStatus(m, tc.submitted, tc.at); got != tc.want {
			t.Errorf("at %v submitted %v: %s, want %s", tc.at, tc.submitted, got, tc.want)
		}
	}
}

func TestLiaisonReportValidate(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)
	m := meeting(t0)
	due, _ := LiaisonReportDue(m)
	ok := LiaisonReport{OperationID: "op-1", Summary: "precursors", Attendees: []string{"attaché"}, SubmittedBy: "dea", Agency: "DEA",
		SubmittedAt: t0.Add(3 * time.Hour), Due: due}
	if err := ok.Validate(m); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		edit  func(r *LiaisonReport)
		field string
	}{
		{"no summary", func(r *LiaisonReport) { r.Summary = " " }, "summary"},
		{"no attendee", func(r *LiaisonReport) { r.Attendees = nil }, "attendees"},
		{"empty attendee", func(r *LiaisonReport) { r.Attendees = []string{""} }, "attendees[0]"},
		{"empty agreement", func(r *LiaisonReport) { r.Agreements = []string{" "} }, "agreements[0]"},
		{"no submitter", func(r *LiaisonReport) { r.SubmittedBy = "" }, "submitted_by"},
		{"before the meeting", func(r *LiaisonReport) { r.SubmittedAt = t0.Add(-time.Hour) }, "submitted_at"},
		{"wrong due", func(r *LiaisonReport) { r.Due = due.Add(time.Hour) }, "due"},
		{"late not flagged", func(r *LiaisonReport) { r.SubmittedAt = due.Add(time.Minute) }, "late"},
		{"on time flagged late", func(r *LiaisonReport) { r.Late = true }, "late"},
	}
	for _, tc := range cases {
		r := ok
		tc.edit(&r)
		if !hasField(r.Validate(m), tc.field) {
			t.Errorf("%s: %v, want field %s", tc.name, r.Validate(m), tc.field)
		}
	}
	late := ok
	late.SubmittedAt, late.Late = due.Add(time.Hour), true
	if err := late.Validate(m); err != nil {
		t.Errorf("late report: %v", err)
	}
	patrol := *m
	patrol.Type = JointPatrol
	if !hasField(ok.Validate(&patrol), "operation_id") {
		t.Error("a report on a patrol was accepted")
	}
}

func TestOutcomeValidate(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC)
	op := meeting(t0)
	op.Type, op.ForceLevel = Arrest, 3
	if got := AuthorisedForce(op, []Consent{{MaxForceLevel: 4}, {MaxForceLevel: 2}}); got != 2 {
		t.Errorf("authorised force %d, want 2 (the lowest consent)", got)
	}
	if got := AuthorisedForce(op, nil); got != 3 {
		t.Errorf("authorised force without consents %d, want the plan's 3", got)
	}
	ok := Outcome{OperationID: "op-1", Seizures: []Seizure{{What: "cocaine", Quantity: 12.5, Unit: "kg"}}, Arrests: 2, ForceUsed: 3,
		RecordedBy: "semar", RecordedAt: t0.Add(time.Hour), AuthorisedForce: 3}
	if err := ok.Validate(op); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		edit  func(o *Outcome)
		field string
	}{
		{"negative arrests", func(o *Outcome) { o.Arrests = -1 }, "arrests"},
		{"negative transfers", func(o *Outcome) { o.PersonsTransferred = -2 }, "persons_transferred"},
		{"force 6", func(o *Outcome) { o.ForceUsed, o.ForceExceeded = 6, true }, "force_used"},
		{"seizure without quantity", func(o *Outcome) { o.Seizures[0].Quantity = 0 }, "seizures[0].quantity"},
		{"seizure without unit", func(o *Outcome) { o.Seizures[0].Unit = "" }, "seizures[0].unit"},
		{"harm undescribed", func(o *Outcome) { o.CivilianHarm.Injured = 1 }, "civilian_harm.description"},
		{"before the start", func(o *Outcome) { o.RecordedAt = t0.Add(-time.Minute) }, "recorded_at"},
		{"excess not flagged", func(o *Outcome) { o.ForceUsed = 4 }, "force_exceeded"},
		{"flag without excess", func(o *Outcome) { o.ForceExceeded = true }, "force_exceeded"},
		{"no recorder", func(o *Outcome) { o.RecordedBy = "" }, "recorded_by"},
	}
	for _, tc := range cases {
		o := ok
		o.Seizures = append([]Seizure(nil), ok.Seizures...)
		tc.edit(&o)
		if !hasField(o.Validate(op), tc.field) {
			t.Errorf("%s: %v, want field %s", tc.name, o.Validate(op), tc.field)
		}
	}
	over := ok
	over.ForceUsed, over.ForceExceeded = 4, true
	if err := over.Validate(op); err != nil {
		t.Errorf("a flagged excess is a valid record: %v", err)
	}
}

func TestActsFor(t *testing.T) {
	aliases := map[string][]string{"SRE/GANSEG": {"SRE", "GANSEG"}, "Senado": {"Senate"}}
	cases := []struct {
		agency, authority string
		want              bool
	}{
		{"SRE", "SRE/GANSEG", true},
		{"sre", "SRE/GANSEG", true},
		{"SRE/GANSEG", "SRE/GANSEG", true},
		{"SEDENA", "SRE/GANSEG", false},
		{"Senado", "Senado", true},
		{"SRE", "Senado", false},
		{"AMP", "", true}, // a flag state's request names no authority
		{"DOS", "DOS", true},
		{"DEA", "DOS", false},
	}
	for _, tc := range cases {
		if got := ActsFor(tc.agency, tc.authority, aliases); got != tc.want {
			t.Errorf("ActsFor(%q, %q) = %v, want %v", tc.agency, tc.authority, got, tc.want)
		}
	}
}

// hasField reports whether err holds a *FieldError for field.
func hasField(err error, field string) bool {
	var walk func(error) bool
	walk = func(e error) bool {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				if walk(x) {
					return true
				}
			}
			return false
		}
		var fe *FieldError
		return errors.As(e, &fe) && fe.Field == field
	}
	return err != nil && walk(err)
}
