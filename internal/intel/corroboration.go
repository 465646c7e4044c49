package intel

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"accord/internal/access"
)

// Claim is what is to be corroborated: an entity was within RadiusNM of Center during
// [From, To]. Center nil means anywhere.
type Claim struct {
	EntityID int64
	Center   *Point
	RadiusNM float64 // nautical miles; 0 means DefaultRadiusNM
	From, To time.Time
}

// DefaultRadiusNM is the claim radius when none is given.
const DefaultRadiusNM = 10

// Evidence is one report bearing on a claim, as the corroboration needs it. The caller
// selects the reports (the store returns only reports releasable to the asking user).
type Evidence struct {
	ReportID   int64
	Originator string // originating agency code
	Source     string // source identifier; "" when the agency itself is the source
	Discipline Discipline
	Grade      access.Grade
	Observed   time.Time
	Stance     Stance // Supports or Contradicts; Mentions is ignored
}

// Params tune the score.
type Params struct {
	// HalfLife is the age at which a report's weight halves (default 72 h). Age is measured
	// from the report's observation to Now.
	HalfLife time.Duration
	// Now is the time of the assessment (required).
	Now time.Time
	// MinWeight is the weight a group of reports must reach to count as an independent source
	// in Score.Independent (default 0.2).
	MinWeight float64
}

// DefaultHalfLife is the freshness half-life when Params.HalfLife is zero.
const DefaultHalfLife = 72 * time.Hour

// ReliabilityWeight is the weight of source reliability A-F. F ("cannot be judged") weighs
// between D and E: unknown is not unreliable, but is not evidence of reliability either.
var ReliabilityWeight = map[byte]float64{'A': 1.0, 'B': 0.8, 'C': 0.6, 'D': 0.4, 'E': 0.1, 'F': 0.3}

// CredibilityWeight is the weight of information credibility 1-6; 6 ("cannot be judged")
// weighs between 4 and 5.
var CredibilityWeight = map[int]float64{1: 1.0, 2: 0.8, 3: 0.6, 4: 0.4, 5: 0.1, 6: 0.3}

// Group is a set of reports that are not independent of each other: they share an originating
// agency or a source, directly or through other members. A group counts once, with the weight
// of its strongest member.
type Group struct {
	Reports    []int64  // report ids, ascending
	Agencies   []string // originating agencies, sorted
	Sources    []string // named sources, sorted
	Weight     float64  // strongest member's weight, 0..1
	Best       int64    // that member's report id
	GradeW     float64  // its grade weight (reliability × credibility)
	Freshness  float64  // its freshness factor 0..1
	Contradict bool     // the group contradicts the claim
}

// Score is the corroboration of a claim with its explanation.
type Score struct {
	// Value is 0..1: the support S = 1 − Π(1 − wᵢ) over supporting groups, lowered by the
	// contradiction C = 1 − Π(1 − wⱼ) over contradicting groups: Value = S × (1 − C).
	Value       float64
	Support     float64 // S
	Contra      float64 // C
	Independent int     // supporting groups of weight >= MinWeight: independent graded sources
	Groups      []Group // supporting groups first, each by decreasing weight
	Explanation []string
}

// Corroborate scores a claim from the evidence. It is a pure function of its arguments.
// Evidence observed outside the claim's window [From, To] (a zero bound is open) is not
// counted; the caller selects evidence by entity and place.
//
// Rules:
//   - Independence: reports that share an originating agency or a named source are merged into
//     one group (transitively); a group counts once, with its strongest report. Supporting and
//     contradicting reports are grouped separately.
//   - Grade: a report's grade weight is ReliabilityWeight × CredibilityWeight (A1 = 1, F6 = 0.09).
//   - Freshness: the weight decays as 2^(−age/HalfLife), age = Now − Observed (a report observed
//     after Now counts as fresh: age 0).
//   - Contradiction: contradicting groups combine like supporting ones into C, and the support
//     is multiplied by (1 − C).
func Corroborate(c Claim, ev []Evidence, p Params) (Score, error) {
	if p.Now.IsZero() {
		return Score{}, fmt.Errorf("%w corroboration: assessment time missing", ErrInvalid)
	}
	if p.HalfLife == 0 {
		p.HalfLife = DefaultHalfLife
	}
	if p.HalfLife < 0 {
		return Score{}, fmt.Errorf("%w corroboration: negative half-life %s", ErrInvalid, p.HalfLife)
	}
	if p.MinWeight == 0 {
		p.MinWeight = 0.2
	}
	if !c.From.IsZero() && !c.To.IsZero() && c.To.Before(c.From) {
		return Score{}, fmt.Errorf("%w corroboration: window ends (%s) before it starts (%s)", ErrInvalid, c.To.Format(time.RFC3339), c.From.Format(time.RFC3339))
	}
	weigh := func(e Evidence) (w, g, f float64, err error) {
		if err := e.Grade.Validate(); err != nil {
			return 0, 0, 0, fmt.Errorf("report %d: %w", e.ReportID, err)
		}
		g = ReliabilityWeight[e.Grade.Reliability] * CredibilityWeight[e.Grade.Credibility]
		age := p.Now.Sub(e.Observed)
		if age < 0 {
			age = 0
		}
		f = math.Exp2(-age.Hours() / p.HalfLife.Hours())
		return g * f, g, f, nil
	}
	var sup, con []Evidence
	outside := 0
	for _, e := range ev {
		if (!c.From.IsZero() && e.Observed.Before(c.From)) || (!c.To.IsZero() && e.Observed.After(c.To)) {
			outside++
			continue
		}
		switch e.Stance {
		case Supports:
			sup = append(sup, e)
		case Contradicts:
			con = append(con, e)
		}
	}
	var s Score
	for _, side := range []struct {
		ev     []Evidence
		contra bool
	}{{sup, false}, {con, true}} {
		groups, err := group(side.ev, weigh)
		if err != nil {
			return Score{}, err
		}
		prod := 1.0
		for i := range groups {
			groups[i].Contradict = side.contra
			prod *= 1 - groups[i].Weight
			if !side.contra && groups[i].Weight >= p.MinWeight {
				s.Independent++
			}
		}
		if side.contra {
			s.Contra = 1 - prod
		} else {
			s.Support = 1 - prod
		}
		s.Groups = append(s.Groups, groups...)
	}
	s.Value = s.Support * (1 - s.Contra)
	s.Explanation = explain(s, p)
	if outside > 0 {
		s.Explanation = append(s.Explanation, fmt.Sprintf("%d report(s) observed outside the claim's window were not counted", outside))
	}
	return s, nil
}

// group merges dependent reports (union-find over shared agency or source).
func group(ev []Evidence, weigh func(Evidence) (float64, float64, float64, error)) ([]Group, error) {
	parent := make([]int, len(ev))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	byKey := map[string]int{}
	for i, e := range ev {
		keys := []string{"agency:" + e.Originator}
		if e.Source != "" {
			keys = append(keys, "source:"+strings.ToLower(strings.TrimSpace(e.Source)))
		}
		for _, k := range keys {
			if j, ok := byKey[k]; ok {
				parent[find(i)] = find(j)
			} else {
				byKey[k] = i
			}
		}
	}
	idx := map[int]int{}
	var groups []Group
	for i, e := range ev {
		w, g, f, err := weigh(e)
		if err != nil {
			return nil, err
		}
		r := find(i)
		k, ok := idx[r]
		if !ok {
			k = len(groups)
			idx[r] = k
			groups = append(groups, Group{Weight: -1})
		}
		gr := &groups[k]
		gr.Reports = append(gr.Reports, e.ReportID)
		if !slices.Contains(gr.Agencies, e.Originator) {
			gr.Agencies = append(gr.Agencies, e.Originator)
		}
		if e.Source != "" && !slices.Contains(gr.Sources, e.Source) {
			gr.Sources = append(gr.Sources, e.Source)
		}
		if w > gr.Weight || (w == gr.Weight && e.ReportID < gr.Best) {
			gr.Weight, gr.Best, gr.GradeW, gr.Freshness = w, e.ReportID, g, f
		}
	}
	for i := range groups {
		slices.Sort(groups[i].Reports)
		slices.Sort(groups[i].Agencies)
		slices.Sort(groups[i].Sources)
	}
	slices.SortStableFunc(groups, func(a, b Group) int {
		switch {
		case a.Weight > b.Weight:
			return -1
		case a.Weight < b.Weight:
			return 1
		}
		return int(a.Best - b.Best)
	})
	return groups, nil
}

func explain(s Score, p Params) []string {
	var out []string
	out = append(out, fmt.Sprintf("score %.3f = support %.3f × (1 − contradiction %.3f); %d independent source(s) of weight ≥ %.2f; freshness half-life %s",
		s.Value, s.Support, s.Contra, s.Independent, p.MinWeight, p.HalfLife))
	for _, g := range s.Groups {
		verb := "supports"
		if g.Contradict {
			verb = "contradicts"
		}
		line := fmt.Sprintf("%s: reports %v from %s", verb, g.Reports, strings.Join(g.Agencies, ", "))
		if len(g.Sources) > 0 {
			line += fmt.Sprintf(" (sources %s)", strings.Join(g.Sources, ", "))
		}
		if len(g.Reports) > 1 {
			line += " count once: same agency or source"
		}
		line += fmt.Sprintf("; strongest report %d: grade weight %.2f × freshness %.2f = %.3f", g.Best, g.GradeW, g.Freshness, g.Weight)
		out = append(out, line)
	}
	if len(s.Groups) == 0 {
		out = append(out, "no releasable report supports or contradicts the claim")
	}
	return out
}
