package web

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"sync"
	"time"

	"accord/internal/access"
	"accord/internal/ledger"
)

// The oversight view: GET /api/v1/oversight and POST /api/v1/oversight/verify, for the
// oversight, monitor and admin roles (any other signed-in user gets 403).
//
// The server verifies its own ledger the way `accord ledger verify` does ([ledger.Verify]: the
// Merkle tree recomputed from every stored entry must give the stored tree hashes and every
// checkpoint's root, every checkpoint must carry the log's signature and valid witness
// cosignatures, every record's current content hash must equal its last entry's), in the
// background, bounded by OversightConfig.Timeout, and keeps the latest result. It verifies the
// log as of a snapshot: the tree size read when the run starts. Entries appended during the run
// are left to the next run; a record changed during the run is not reported when its new entry
// lies after the snapshot; a checkpoint signed during the run is checked only against the size
// the log has when the run ends (a checkpoint covering more entries than the log holds still
// fails). A run starts on the first request, again when the latest result is older than
// OversightConfig.Interval, and on POST /api/v1/oversight/verify.
//
// The counts come from the same pass over the ledger, so they are exactly what the verified
// log records, as of the snapshot: entries by action and record type, operations by their
// latest policy decision ("policy.decide" entries, metadata decision and operation), consent
// requests by state ("consent.request", then "consent.grant" / "consent.refuse" /
// "consent.revoke" on the same request id), alerts by kind ("alert" records, metadata kind).
// OversightConfig.Counts adds counts the ledger does not carry (overdue liaison reports).

// OversightConfig enables the oversight routes. With a nil Log they answer 503.
type OversightConfig struct {
	// Log reads the ledger exactly as stored (store.LedgerReader()).
	Log ledger.LogReader
	// Options returns what a verification needs: the log's public key (required), retired
	// keys, witness keys and the record sources (store.RecordSources()). It is called at the
	// start of every run, so sources registered after the server started count.
	Options func() ledger.VerifyOptions
	// Counts, when set, returns further counts by name (e.g. "liaison_reports_overdue"),
	// shown under counts.other. An error is reported in counts.other_error, not as a failure.
	Counts func(ctx context.Context) (map[string]int64, error)
	// Interval is the age after which a request starts a new verification (default 10 min).
	Interval time.Duration
	// Timeout bounds one verification (default 2 min); a run cut short reports "incomplete".
	Timeout time.Duration
	// Checkpoints is how many of the latest stored checkpoints the view lists (default 5).
	Checkpoints int
}

// oversightRoles may use the oversight view.
var oversightRoles = []access.Role{access.RoleOversight, access.RoleMonitor, access.RoleAdmin}

// Verification statuses in the wire form.
const (
	verifyOK         = "ok"         // no problem found
	verifyFailed     = "failed"     // problems found: see problems
	verifyIncomplete = "incomplete" // the run hit its time bound or the store failed: no conclusion
)

// maxProblemsShown bounds the problems listed in an answer (problems_total counts them all).
const maxProblemsShown = 50

// registerOversightRoutes adds the /api routes for the oversight view: checkpoints, verification status and counts.
func (s *Server) registerOversightRoutes() {
	oc := s.cfg.Oversight
	if oc.Interval <= 0 {
		oc.Interval = 10 * time.Minute
	}
	if oc.Timeout <= 0 {
		oc.Timeout = 2 * time.Minute
	}
	if oc.Checkpoints <= 0 {
		oc.Checkpoints = 5
	}
	o := &oversight{cfg: oc, now: s.cfg.Now, log: s.log}
	s.api("GET /api/v1/oversight", s.oversightAuthed(o, o.handleGet))
	s.api("POST /api/v1/oversight/verify", s.oversightAuthed(o, o.handleVerify))
}

// oversightAuthed checks sign-in (401), role (403) and that the server verifies a ledger (503),
// in that order.
func (s *Server) oversightAuthed(o *oversight, h func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return s.authed(func(w http.ResponseWriter, r *http.Request, u access.User) error {
		if !slices.ContainsFunc(oversightRoles, u.Has) {
			return &Error{Status: http.StatusForbidden, Code: "forbidden",
				Message: "the oversight view is for the oversight, monitor and admin roles; ask your node's administrator for one of them"}
		}
		if o.cfg.Log == nil || o.cfg.Options == nil {
			return &Error{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "this server does not verify its ledger: it runs without a store"}
		}
		return h(w, r)
	})
}

// oversight is the state of the oversight routes: the latest verification and the run going on.
type oversight struct {
	cfg OversightConfig
	now func() time.Time
	log interface {
		Info(string, ...any)
		Error(string, ...any)
	}

	mu      sync.Mutex
	last    *verification // latest finished run; nil before the first
	running chan struct{} // closed when the current run ends; nil when none runs
	started time.Time     // start of the current run
}

// verification is one finished run, in its wire form.
type verification struct {
	Status        string         `json:"status"`
	Started       string         `json:"started"`
	Finished      string         `json:"finished"`
	DurationMS    int64          `json:"duration_ms"`
	Origin        string         `json:"origin"`
	Entries       int64          `json:"entries"` // tree size verified (the snapshot)
	Root          string         `json:"root"`    // base64 root recomputed at that size
	Records       int            `json:"records_checked"`
	Unchecked     int            `json:"records_unchecked"`
	Checkpoints   int            `json:"checkpoints_checked"`
	Cosignatures  int            `json:"cosignatures_verified"`
	ProblemsTotal int            `json:"problems_total"`
	Problems      []problemJSON  `json:"problems"`
	Message       string         `json:"message,omitempty"` // why a run is incomplete
	Counts        oversightCount `json:"-"`
	finished      time.Time
}

type problemJSON struct {
	Kind       string `json:"kind"`
	Seq        *int64 `json:"seq,omitempty"`
	Size       *int64 `json:"checkpoint_size,omitempty"`
	RecordType string `json:"record_type,omitempty"`
	RecordID   string `json:"record_id,omitempty"`
	Detail     string `json:"detail"`
}

// oversightCount is what the ledger records, counted during verification.
type oversightCount struct {
	Entries      int64            `json:"entries"`
	ByAction     map[string]int64 `json:"by_action"`
	ByRecordType map[string]int64 `json:"by_record_type"`
	// Operations by the latest policy decision on each ("none": planned, never decided).
	Operations map[string]int64 `json:"operations"`
	// Consents: consent requests by state: pending, granted, denied, revoked.
	Consents map[string]int64 `json:"consents"`
	// Alerts by kind (each alert once, with its latest kind).
	Alerts map[string]int64 `json:"alerts"`
}

// tally accumulates the counts entry by entry.
type tally struct {
	c          oversightCount
	opDecision map[string]string // operation id -> latest decision
	operations map[string]bool   // operations planned
	consent    map[string]string // consent request id -> state
	alertKind  map[string]string // alert id -> kind
}

func newTally() *tally {
	return &tally{c: oversightCount{ByAction: map[string]int64{}, ByRecordType: map[string]int64{}},
		opDecision: map[string]string{}, operations: map[string]bool{}, consent: map[string]string{}, alertKind: map[string]string{}}
}

func metaOf(e *ledger.Entry, key string) string {
	for _, m := range e.Meta {
		if m.Key == key {
			return m.Value
		}
	}
	return ""
}

// add counts one entry. The action and record type names are the ledger vocabulary the store
// writes (store.PutOperation, RecordPolicyDecision, PutConsentRequest, DecideConsent,
// RevokeConsent, PutAlert).
func (t *tally) add(e *ledger.Entry) {
	t.c.Entries++
	t.c.ByAction[e.Action]++
	t.c.ByRecordType[e.RecordType]++
	switch e.Action {
	case "operation.plan", "operation.update":
		t.operations[e.RecordID] = true
	case "policy.decide":
		if op := metaOf(e, "operation"); op != "" {
			t.opDecision[op] = metaOf(e, "decision")
		}
	case "consent.request":
		t.consent[e.RecordID] = "pending"
	case "consent.grant":
		t.consent[e.RecordID] = "granted"
	case "consent.refuse":
		t.consent[e.RecordID] = "denied"
	case "consent.revoke":
		t.consent[e.RecordID] = "revoked"
	}
	if e.RecordType == "alert" {
		if k := metaOf(e, "kind"); k != "" {
			t.alertKind[e.RecordID] = k
		}
	}
}

func (t *tally) result() oversightCount {
	c := t.c
	c.Operations = map[string]int64{}
	for id := range t.operations {
		d := t.opDecision[id]
		if d == "" {
			d = "none"
		}
		c.Operations[d]++
	}
	for id, d := range t.opDecision { // decided without a plan entry (e.g. `accord policy check --record`)
		if !t.operations[id] {
			c.Operations[d]++
		}
	}
	c.Consents = map[string]int64{"pending": 0, "granted": 0, "denied": 0, "revoked": 0}
	for _, st := range t.consent {
		c.Consents[st]++
	}
	c.Alerts = map[string]int64{}
	for _, k := range t.alertKind {
		c.Alerts[k]++
	}
	return c
}

// snapshotReader presents the log as of tree size head and counts every entry it hands out.
type snapshotReader struct {
	ledger.LogReader
	head    int64
	tally   *tally
	skipped []ledger.Checkpoint // checkpoints beyond head, checked after the run
}

func (r *snapshotReader) Size(context.Context) (int64, error) { return r.head, nil }

func (r *snapshotReader) Entries(ctx context.Context, from int64, limit int) ([]ledger.StoredEntry, error) {
	if from >= r.head {
		return nil, nil
	}
	limit = int(min(int64(limit), r.head-from))
	es, err := r.LogReader.Entries(ctx, from, limit)
	if err != nil {
		return nil, err
	}
	for i, se := range es {
		if se.Seq >= r.head {
			es = es[:i]
			break
		}
		if e, err := ledger.ParseEntry(se.Data); err == nil {
			r.tally.add(e)
		}
	}
	return es, nil
}

func (r *snapshotReader) Checkpoints(ctx context.Context) ([][]byte, error) {
	all, err := r.LogReader.Checkpoints(ctx)
	if err != nil {
		return nil, err
	}
	out := all[:0:0]
	for _, msg := range all {
		if c, err := checkpointOf(msg); err == nil && c.Size > r.head {
			r.skipped = append(r.skipped, c)
			continue
		}
		out = append(out, msg)
	}
	return out, nil
}

// result returns the latest finished verification and, when it is missing or older than the
// interval and no run is going on, starts one. It waits up to wait for a run going on.
func (o *oversight) result(wait time.Duration, force bool) (*verification, bool) {
	o.mu.Lock()
	stale := o.last == nil || o.now().Sub(o.last.finished) >= o.cfg.Interval
	// On demand, at most one run every 5 s: a verification reads the whole ledger.
	if force && o.last != nil && o.now().Sub(o.last.finished) >= 5*time.Second {
		stale = true
	}
	if o.running == nil && stale {
		o.running = make(chan struct{})
		o.started = o.now()
		go o.run(o.running)
	}
	done := o.running
	o.mu.Unlock()
	if done != nil && wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-done:
		case <-t.C:
		}
		t.Stop()
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.last, o.running != nil
}

// run verifies the ledger once and stores the result.
func (o *oversight) run(done chan struct{}) {
	v := o.verify()
	o.mu.Lock()
	o.last = v
	o.running = nil
	o.mu.Unlock()
	close(done)
	o.log.Info("ledger verified for oversight", "status", v.Status, "entries", v.Entries, "problems", v.ProblemsTotal, "ms", v.DurationMS)
}

func (o *oversight) verify() *verification {
	start := o.now()
	ctx, cancel := context.WithTimeout(context.Background(), o.cfg.Timeout)
	defer cancel()
	opts := o.cfg.Options()
	v := &verification{Started: rfc3339(start), Problems: []problemJSON{}}
	if opts.Log != nil {
		v.Origin = opts.Log.Name()
	}
	finish := func() *verification {
		v.finished = o.now()
		v.Finished = rfc3339(v.finished)
		v.DurationMS = v.finished.Sub(start).Milliseconds()
		return v
	}
	if opts.Log == nil {
		v.Status, v.Message = verifyIncomplete, "the server has no public key of its log to verify with"
		return finish()
	}
	timedOut := func() bool {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			v.Status, v.Message = verifyIncomplete, fmt.Sprintf("verification did not finish within %v; run `accord ledger verify` on the node for the full check", o.cfg.Timeout)
			return true
		}
		return false
	}
	head, err := o.cfg.Log.Size(ctx)
	if err != nil {
		if !timedOut() {
			v.Status, v.Message = verifyIncomplete, fmt.Sprintf("cannot read the ledger's size: %v", err)
		}
		return finish()
	}
	sr := &snapshotReader{LogReader: o.cfg.Log, head: head, tally: newTally()}
	rep := ledger.Verify(ctx, sr, opts)
	problems := rep.Problems
	// Checkpoints signed during the run: the log must hold at least their size by now.
	if len(sr.skipped) > 0 {
		if now, err := o.cfg.Log.Size(ctx); err == nil {
			for _, c := range sr.skipped {
				if c.Size > now {
					problems = append(problems, ledger.Problem{Kind: ledger.ProblemForkCheckpoint, Seq: -1, Size: c.Size,
						Detail: fmt.Sprintf("stored checkpoint covers %d entries but the log has %d: entries were deleted", c.Size, now)})
				}
			}
		}
	}
	problems = o.dropLaterChanges(ctx, problems, head)
	v.Entries, v.Root = rep.Size, base64.StdEncoding.EncodeToString(rep.Root[:])
	v.Records, v.Unchecked, v.Checkpoints, v.Cosignatures = rep.Records, rep.Unchecked, rep.Checkpoints, rep.Cosignatures
	v.Counts = sr.tally.result()
	v.ProblemsTotal = len(problems)
	incomplete := ctx.Err() != nil
	for _, p := range problems {
		if p.Kind == ledger.ProblemStore {
			incomplete = true
		}
		if len(v.Problems) < maxProblemsShown {
			v.Problems = append(v.Problems, newProblemJSON(p))
		}
	}
	switch {
	case incomplete && timedOut():
	case incomplete:
		v.Status, v.Message = verifyIncomplete, "the store could not be read completely: see problems"
	case len(problems) > 0:
		v.Status = verifyFailed
	default:
		v.Status = verifyOK
	}
	return finish()
}

// dropLaterChanges removes record problems (edited, deleted, unrecorded) of records that have
// an entry after the snapshot: they changed, with their entry, while the run went on.
func (o *oversight) dropLaterChanges(ctx context.Context, problems []ledger.Problem, head int64) []ledger.Problem {
	type key struct{ typ, id string }
	suspect := map[key]bool{}
	for _, p := range problems {
		switch p.Kind {
		case ledger.ProblemEditedRecord, ledger.ProblemDeletedRecord, ledger.ProblemUnrecorded:
			suspect[key{p.RecordType, p.RecordID}] = false
		}
	}
	if len(suspect) == 0 {
		return problems
	}
	for from := head; ctx.Err() == nil; {
		es, err := o.cfg.Log.Entries(ctx, from, 4096)
		if err != nil || len(es) == 0 {
			break
		}
		for _, se := range es {
			if e, err := ledger.ParseEntry(se.Data); err == nil {
				if _, ok := suspect[key{e.RecordType, e.RecordID}]; ok {
					suspect[key{e.RecordType, e.RecordID}] = true
				}
			}
		}
		from = es[len(es)-1].Seq + 1
	}
	out := problems[:0:0]
	for _, p := range problems {
		if later, ok := suspect[key{p.RecordType, p.RecordID}]; ok && later {
			continue
		}
		out = append(out, p)
	}
	return out
}

func newProblemJSON(p ledger.Problem) problemJSON {
	j := problemJSON{Kind: string(p.Kind), RecordType: p.RecordType, RecordID: p.RecordID, Detail: p.Detail}
	if p.Seq >= 0 {
		j.Seq = &p.Seq
	}
	if p.Size >= 0 {
		j.Size = &p.Size
	}
	return j
}

// checkpointJSON is one stored checkpoint with its signatures checked against the log's key
// and the configured witnesses.
type checkpointJSON struct {
	Origin       string            `json:"origin"`
	Size         int64             `json:"size"`
	Root         string            `json:"root"` // base64
	Note         string            `json:"note"` // the signed note as stored
	LogSignature bool              `json:"log_signature_valid"`
	Cosignatures []cosignatureJSON `json:"cosignatures"`
	Unverified   []string          `json:"unverified_signers"` // signers whose keys this server does not know
	Error        string            `json:"error,omitempty"`    // why the note does not verify
}

type cosignatureJSON struct {
	Witness string `json:"witness"`
	Time    string `json:"time,omitempty"`
}

// latestCheckpointer is implemented by a log reader that can read its latest checkpoints alone
// (ledgersql.Reader); other readers have all their checkpoints read and sorted.
type latestCheckpointer interface {
	LatestCheckpoints(ctx context.Context, n int) ([][]byte, error)
}

// latestCheckpoints returns the n stored checkpoints of largest size, largest first.
func (o *oversight) latestCheckpoints(ctx context.Context, opts ledger.VerifyOptions) ([]checkpointJSON, error) {
	var all [][]byte
	var err error
	if lc, ok := o.cfg.Log.(latestCheckpointer); ok {
		all, err = lc.LatestCheckpoints(ctx, o.cfg.Checkpoints)
	} else {
		all, err = o.cfg.Log.Checkpoints(ctx)
	}
	if err != nil {
		return nil, err
	}
	type sized struct {
		msg []byte
		c   ledger.Checkpoint
	}
	var list []sized
	for _, msg := range all {
		c, err := checkpointOf(msg)
		if err != nil {
			c = ledger.Checkpoint{Size: -1}
		}
		list = append(list, sized{msg, c})
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].c.Size > list[j].c.Size })
	if len(list) > o.cfg.Checkpoints {
		list = list[:o.cfg.Checkpoints]
	}
	out := []checkpointJSON{}
	for _, it := range list {
		j := checkpointJSON{Origin: it.c.Origin, Size: it.c.Size, Root: base64.StdEncoding.EncodeToString(it.c.Hash[:]),
			Note: string(it.msg), Cosignatures: []cosignatureJSON{}, Unverified: []string{}}
		sc, err := ledger.OpenCheckpoint(it.msg, opts.Log, opts.Witnesses...)
		for _, k := range opts.RetiredLogKeys {
			if err == nil {
				break
			}
			if sc2, err2 := ledger.OpenCheckpoint(it.msg, k, opts.Witnesses...); err2 == nil {
				sc, err = sc2, nil
			}
		}
		if err != nil {
			j.Error = err.Error()
		} else {
			j.LogSignature = true
			for _, cs := range sc.Cosignatures {
				cj := cosignatureJSON{Witness: cs.Name}
				if !cs.Time.IsZero() {
					cj.Time = rfc3339(cs.Time)
				}
				j.Cosignatures = append(j.Cosignatures, cj)
			}
			j.Unverified = append(j.Unverified, sc.Unverified...)
		}
		out = append(out, j)
	}
	return out, nil
}

// oversightJSON is the answer of GET /api/v1/oversight.
type oversightJSON struct {
	Origin       string           `json:"origin"`
	Checkpoints  []checkpointJSON `json:"checkpoints"`
	Verification *verification    `json:"verification"` // the latest finished run; null before the first
	Verifying    bool             `json:"verifying"`    // a run is going on
	Next         string           `json:"next_verification,omitempty"`
	Counts       *countsJSON      `json:"counts"` // from the latest finished run; null before the first
}

type countsJSON struct {
	oversightCount
	AsOfEntries int64            `json:"as_of_entries"`
	Other       map[string]int64 `json:"other,omitempty"`
	OtherError  string           `json:"other_error,omitempty"`
}

func (o *oversight) answer(w http.ResponseWriter, r *http.Request, status int, v *verification, running bool) error {
	opts := o.cfg.Options()
	cps, err := o.latestCheckpoints(r.Context(), opts)
	if err != nil {
		return fmt.Errorf("oversight: checkpoints: %w", err)
	}
	body := oversightJSON{Checkpoints: cps, Verification: v, Verifying: running}
	if opts.Log != nil {
		body.Origin = opts.Log.Name()
	}
	if v != nil {
		body.Next = rfc3339(v.finished.Add(o.cfg.Interval))
		c := &countsJSON{oversightCount: v.Counts, AsOfEntries: v.Entries}
		if o.cfg.Counts != nil {
			if other, err := o.cfg.Counts(r.Context()); err != nil {
				o.log.Error("oversight: other counts", "err", err)
				c.OtherError = "these counts could not be read; the server log has the detail"
			} else {
				c.Other = other
			}
		}
		body.Counts = c
	}
	if status == http.StatusAccepted {
		w.Header().Set("Retry-After", "2")
	}
	writeJSON(w, status, "application/json", body)
	return nil
}

// handleGet serves GET /api/v1/oversight: the latest checkpoints, the latest verification
// (starting one when none is recent; waiting up to 2 s for it) and the counts.
func (o *oversight) handleGet(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknown(r.URL.Query()); err != nil {
		return err
	}
	v, running := o.result(2*time.Second, false)
	return o.answer(w, r, http.StatusOK, v, running)
}

// handleVerify serves POST /api/v1/oversight/verify: it starts a verification now (unless one
// runs or one finished in the last 5 s) and waits up to 10 s for it: 200 with the result, or
// 202 while it still runs (then poll GET /api/v1/oversight).
func (o *oversight) handleVerify(w http.ResponseWriter, r *http.Request) error {
	if err := rejectUnknown(r.URL.Query()); err != nil {
		return err
	}
	v, running := o.result(10*time.Second, true)
	status := http.StatusOK
	if running {
		status = http.StatusAccepted
	}
	return o.answer(w, r, status, v, running)
}
