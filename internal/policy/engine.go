package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"accord/internal/jurisdiction"
	"accord/internal/ops"
)

// Locator answers the jurisdiction of a point (degrees). *jurisdiction.Engine implements it.
type Locator interface {
	Lookup(lat, lon float64) jurisdiction.Answer
}

// Population counts the people living within km kilometres of a point (degrees) and names the
// sensitive places there. *Cities implements it.
type Population interface {
	Within(lat, lon, km float64) (people int64, sensitive []string)
}

// The decisions.
const (
	Allow        = "allow"
	NeedsConsent = "needs_consent"
	Deny         = "deny"
)

// Roles of a required consent.
const (
	RoleHost     = "host"       // the state whose territory or waters the operation touches
	RoleSenate   = "senate"     // the Senate (MEX Const. art. 76-III)
	RoleArms     = "arms"       // permission for foreign agents to carry arms
	RoleFlag     = "flag_state" // the target vessel's flag state
	RolePartner  = "partner"    // the approver of a participating state for a dual-key action
	effDeny      = "deny"
	effConsent   = "needs_consent"
	effCondition = "condition"
	effAllow     = "allow"
	effGiven     = "consent_given"
)

// Text is a message in Spanish and English.
type Text struct {
	ES string `json:"es"`
	EN string `json:"en"`
}

// Fired is a rule that applied to the operation, with its effect and the reason. Effects:
// deny; needs_consent (a consent is missing); consent_given (the consent it needs was given,
// with the operation inside its scope); condition (a plan, notice or report is required);
// allow (the rule permits what it looked at, e.g. the visit of a stateless vessel).
type Fired struct {
	ID       string `json:"id"`
	Version  int    `json:"version"`
	Citation string `json:"citation"`
	Effect   string `json:"effect"`
	// State and Role name the consent a needs_consent or consent_given effect is about.
	State  string `json:"state,omitempty"`
	Role   string `json:"role,omitempty"`
	Reason Text   `json:"reason"`
}

// Consent is a consent the operation needs: of State's Authority ("" = any authority of that
// state) in a Role, because of Rules.
type Consent struct {
	State     string   `json:"state"`
	Authority string   `json:"authority"`
	Role      string   `json:"role"`
	Rules     []string `json:"rules"`
}

// Place is the jurisdiction of one point the decision looked at.
type Place struct {
	Lat   float64           `json:"lat"`
	Lon   float64           `json:"lon"`
	State string            `json:"state"`
	Zone  jurisdiction.Zone `json:"zone"`
}

// Decision is the policy's answer for one operation.
type Decision struct {
	// Decision is Allow, NeedsConsent or Deny.
	Decision string `json:"decision"`
	// RequiredConsents are the consents still missing (empty when Decision is Allow).
	RequiredConsents []Consent `json:"required_consents"`
	// SatisfiedConsents are the consents needed and given, with the operation inside their scope.
	SatisfiedConsents []Consent `json:"satisfied_consents"`
	// Rules are the rules that fired, in the order of the rule table.
	Rules []Fired `json:"rules"`
	// Conditions must be met before and during execution (plans, notices, reports).
	Conditions []Text `json:"conditions"`
	// Places are the jurisdiction answers the decision rests on (one for a point, samples of
	// an area).
	Places []Place `json:"places"`
	// PolicyVersion is the hash of the rule set and its configuration ([Engine.Version]).
	PolicyVersion string `json:"policy_version"`
}

// Engine decides operations. It is immutable after New and safe for concurrent use; Decide is a
// pure function of the operation, the configuration and the answers of the Locator and the
// Population.
type Engine struct {
	cfg     Config
	where   Locator
	people  Population
	rules   []*Rule
	version string
}

// New returns an engine with the given configuration. where is required; people may be nil,
// in which case the civilian-impact gate asks for a protection plan for every land operation
// at or above its force level (it cannot count).
func New(cfg Config, where Locator, people Population) (*Engine, error) {
	if where == nil {
		return nil, fmt.Errorf("policy: no jurisdiction locator")
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg, where: where, people: people}
	for _, r := range ruleTable {
		if cfg.enabled(r.ID) {
			e.rules = append(e.rules, r)
		}
	}
	e.version = versionHash(cfg)
	return e, nil
}

// Version is "sha256:" and the hex SHA-256 of the rule table (each rule's id, version,
// citation and switch) and the configuration, in canonical JSON. Any change of a rule, a
// switch or a threshold changes it; it is recorded with every decision on the ledger.
func (e *Engine) Version() string { return e.version }

func versionHash(cfg Config) string {
	type ruleRec struct {
		ID       string `json:"id"`
		Version  int    `json:"version"`
		Citation string `json:"citation"`
		Enabled  bool   `json:"enabled"`
	}
	rec := struct {
		Rules  []ruleRec `json:"rules"`
		Config Config    `json:"config"`
	}{Config: cfg}
	for _, r := range ruleTable {
		rec.Rules = append(rec.Rules, ruleRec{r.ID, r.Version, r.Citation, cfg.enabled(r.ID)})
	}
	d := append([]string(nil), cfg.Disabled...)
	slices.Sort(d)
	rec.Config.Disabled = d
	b, err := json.Marshal(rec) // maps marshal with sorted keys: canonical
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	h := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(h[:])
}

// Config returns a copy of the engine's configuration.
func (e *Engine) Config() Config { return e.cfg }

// evalCtx is the state of one decision: the operation, the facts derived from it and what the
// rules have found.
type evalCtx struct {
	e  *Engine
	op *ops.Operation
	// places are the sampled jurisdiction answers; sovereign lists, per state, whether a sample
	// is in its land, internal waters or territorial sea.
	places    []jurisdiction.Answer
	sovereign []string // states whose land/internal waters/territorial sea the place touches
	landOf    []string // states whose land the place touches
	waterOf   []string // states whose internal waters or territorial sea the place touches
	unknown   bool
	beyondTS  bool   // every sample is beyond any territorial sea (contiguous zone, EEZ, high seas)
	contigOf  string // the state whose contiguous zone holds every sample, if any
	rep       ops.Point
	pursuitOK bool // a lawful hot pursuit continues (UNCLOS 111)

	fired   []Fired
	needs   []Consent
	missing []Consent
	done    []Consent
	conds   []Text
	deny    bool
}

func (c *evalCtx) fire(r *Rule, effect string, t Text) {
	c.fired = append(c.fired, Fired{ID: r.ID, Version: r.Version, Citation: r.Citation, Effect: effect, Reason: t})
	if effect == effDeny {
		c.deny = true
	}
}

func (c *evalCtx) require(r *Rule, state, authority, role string, t Text) {
	c.requireCited(r, r.Citation, state, authority, role, t)
}

// requireCited is require with the citation of this firing (a rule whose legal basis depends
// on the state concerned, e.g. territoriality).
func (c *evalCtx) requireCited(r *Rule, citation, state, authority, role string, t Text) {
	c.fired = append(c.fired, Fired{ID: r.ID, Version: r.Version, Citation: citation, Effect: effConsent, State: state, Role: role, Reason: t})
	for i := range c.needs {
		n := &c.needs[i]
		if n.State == state && n.Role == role {
			if !slices.Contains(n.Rules, r.ID) {
				n.Rules = append(n.Rules, r.ID)
			}
			return
		}
	}
	c.needs = append(c.needs, Consent{State: state, Authority: authority, Role: role, Rules: []string{r.ID}})
}

func (c *evalCtx) condition(r *Rule, why Text, conds ...Text) {
	c.fire(r, effCondition, why)
	for _, t := range conds {
		if !slices.Contains(c.conds, t) {
			c.conds = append(c.conds, t)
		}
	}
}

// foreignTo returns the participants whose state is not s.
func (c *evalCtx) foreignTo(s string) []ops.Participant {
	var out []ops.Participant
	for _, p := range c.op.Participants {
		if p.State != s {
			out = append(out, p)
		}
	}
	return out
}

// Decide returns the decision for op, which must be valid ([ops.Operation.Validate]); an
// invalid operation is denied with the validation errors as reasons.
func (e *Engine) Decide(op *ops.Operation) Decision {
	c := &evalCtx{e: e, op: op}
	if err := op.Validate(); err != nil {
		c.fire(invalidRule, effDeny, Text{ES: "operación inválida: " + err.Error(), EN: "invalid operation: " + err.Error()})
		return c.finish()
	}
	c.locate()
	for _, r := range e.rules {
		r.eval(c, r)
	}
	c.settleConsents()
	return c.finish()
}

// invalidRule reports operations that fail validation.
var invalidRule = &Rule{ID: "input.valid", Version: 1, Citation: "docs/policy.md (input format)"}

// locate looks up the place and derives the facts the rules use.
func (c *evalCtx) locate() {
	var pts []ops.Point
	if p := c.op.Place.Point; p != nil {
		pts = []ops.Point{*p}
	} else {
		pts = c.op.Place.Area.Samples(make([]ops.Point, 0, 2*c.e.cfg.AreaVertices+c.e.cfg.AreaGrid*c.e.cfg.AreaGrid), c.e.cfg.AreaVertices, c.e.cfg.AreaGrid)
	}
	c.beyondTS = true
	contig := ""
	allContig := true
	var sumLat, sumLon float64
	for _, p := range pts {
		a := c.e.where.Lookup(p.Lat, p.Lon)
		c.places = append(c.places, a)
		sumLat += p.Lat
		sumLon += p.Lon
		switch a.Zone {
		case jurisdiction.ZoneUnknown:
			// the decision is deny (place.known): no need to look further
			c.unknown = true
			c.beyondTS = false
			c.contigOf = ""
			c.rep = p
			return
		case jurisdiction.ZoneLand:
			addUnique(&c.sovereign, a.State)
			addUnique(&c.landOf, a.State)
			c.beyondTS = false
		case jurisdiction.ZoneInternalWaters, jurisdiction.ZoneTerritorialSea:
			addUnique(&c.sovereign, a.State)
			addUnique(&c.waterOf, a.State)
			c.beyondTS = false
		}
		if a.Zone == jurisdiction.ZoneContiguous && (contig == "" || contig == a.State) {
			contig = a.State
		} else {
			allContig = false
		}
	}
	if allContig {
		c.contigOf = contig
	}
	c.rep = ops.Point{Lat: sumLat / float64(len(pts)), Lon: sumLon / float64(len(pts))}
}

func addUnique(s *[]string, v string) {
	if v != "" && !slices.Contains(*s, v) {
		*s = append(*s, v)
	}
}

// settleConsents matches the requirements against the consents given: a requirement is
// satisfied by a consent of its state and authority whose scope covers the operation; a
// matching consent that does not cover it denies the operation (consent.scope).
func (c *evalCtx) settleConsents() {
	scope := ruleByID(ruleConsentScope)
	scopeOn := c.e.cfg.enabled(ruleConsentScope)
	var missing, done []Consent
	for _, n := range c.needs {
		var matched []ops.Consent
		for _, g := range c.op.Consents {
			if g.State == n.State && c.e.authorityMatches(n.Authority, g.Authority) {
				matched = append(matched, g)
			}
		}
		if len(matched) == 0 {
			missing = append(missing, n)
			continue
		}
		var why []Text
		ok := false
		for _, g := range matched {
			if t, in := c.inScope(&g); in {
				ok = true
				break
			} else {
				why = append(why, t)
			}
		}
		if ok || !scopeOn {
			done = append(done, n)
			for i := range c.fired {
				if f := &c.fired[i]; f.Effect == effConsent && f.State == n.State && f.Role == n.Role {
					f.Effect = effGiven
				}
			}
			continue
		}
		missing = append(missing, n)
		for _, t := range why {
			c.fire(scope, effDeny, t)
		}
	}
	c.needs = nil
	c.missing, c.done = missing, done
}

// inScope reports whether the consent's scope covers the operation, and if not, why.
func (c *evalCtx) inScope(g *ops.Consent) (Text, bool) {
	op := c.op
	who := g.State + " " + g.Authority
	if g.Area != nil {
		in := false
		if op.Place.Point != nil {
			in = g.Area.Contains(*op.Place.Point)
		} else {
			in = g.Area.ContainsPolygon(op.Place.Area)
		}
		if !in {
			return Text{
				ES: fmt.Sprintf("el consentimiento de %s no cubre el lugar de la operación: está fuera de su área", who),
				EN: fmt.Sprintf("the consent of %s does not cover the operation's place: it lies outside its area", who),
			}, false
		}
	}
	if op.Start.Before(g.Start) || op.End.After(g.End) {
		return Text{
			ES: fmt.Sprintf("el consentimiento de %s cubre %s–%s; la operación va de %s a %s", who, ts(g.Start), ts(g.End), ts(op.Start), ts(op.End)),
			EN: fmt.Sprintf("the consent of %s covers %s–%s; the operation runs %s to %s", who, ts(g.Start), ts(g.End), ts(op.Start), ts(op.End)),
		}, false
	}
	if op.ForceLevel > g.MaxForceLevel {
		return Text{
			ES: fmt.Sprintf("el consentimiento de %s admite uso de la fuerza hasta el nivel %d; la operación prevé el nivel %d", who, g.MaxForceLevel, op.ForceLevel),
			EN: fmt.Sprintf("the consent of %s admits use of force up to level %d; the operation plans level %d", who, g.MaxForceLevel, op.ForceLevel),
		}, false
	}
	if g.Participants != nil {
		for _, p := range op.Participants {
			if p.State == g.State {
				continue
			}
			if !admits(g.Participants, p) {
				return Text{
					ES: fmt.Sprintf("el consentimiento de %s no admite a %d %s de %s %s%s", who, p.Count, kindES(p.Kind), p.State, p.Agency, armedES(p.Armed)),
					EN: fmt.Sprintf("the consent of %s does not admit %d %s of %s %s%s", who, p.Count, p.Kind, p.State, p.Agency, armedEN(p.Armed)),
				}, false
			}
		}
	}
	return Text{}, true
}

// admits reports whether the consent's participant list admits p: an entry of the same state,
// agency (case-insensitive) and kind, with at least p's count, and armed if p is armed.
func admits(list []ops.Participant, p ops.Participant) bool {
	for _, q := range list {
		if q.State == p.State && strings.EqualFold(q.Agency, p.Agency) && q.Kind == p.Kind && q.Count >= p.Count && (q.Armed || !p.Armed) {
			return true
		}
	}
	return false
}

// authorityMatches reports whether a consent given by authority got satisfies a requirement of
// want ("" = any authority of the state). Names compare without regard to case, through
// Config.Aliases.
func (e *Engine) authorityMatches(want, got string) bool {
	if want == "" || strings.EqualFold(want, got) {
		return true
	}
	for _, a := range e.cfg.Aliases[want] {
		if strings.EqualFold(a, got) {
			return true
		}
	}
	return false
}

func (c *evalCtx) finish() Decision {
	d := Decision{
		RequiredConsents:  nonNil(c.missing),
		SatisfiedConsents: nonNil(c.done),
		Rules:             c.fired,
		Conditions:        c.conds,
		PolicyVersion:     c.e.version,
	}
	if d.Rules == nil {
		d.Rules = []Fired{}
	}
	if d.Conditions == nil {
		d.Conditions = []Text{}
	}
	for _, a := range c.places {
		d.Places = append(d.Places, Place{Lat: a.Lat, Lon: a.Lon, State: a.State, Zone: a.Zone})
	}
	if d.Places == nil {
		d.Places = []Place{}
	}
	switch {
	case c.deny:
		d.Decision = Deny
	case len(d.RequiredConsents) > 0:
		d.Decision = NeedsConsent
	default:
		d.Decision = Allow
	}
	return d
}

func nonNil(s []Consent) []Consent {
	if s == nil {
		return []Consent{}
	}
	return s
}
