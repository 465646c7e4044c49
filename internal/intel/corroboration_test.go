package intel

import (
	"math"
	"strings"
	"testing"
	"time"

	"accord/internal/access"
)

var now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func ev(id int64, agency, source, grade string, age time.Duration, stance Stance) Evidence {
	g, err := access.ParseGrade(grade)
	if err != nil {
		panic(err)
	}
	return Evidence{ReportID: id, Originator: agency, Source: source, Discipline: HUMINT, Grade: g, Observed: now.Add(-age), Stance: stance}
}

func TestCorroborate(t *testing.T) {
	const h = time.Hour
	half := 72 * h
	tests := []struct {
		name        string
		ev          []Evidence
		params      Params
		want        float64 // score, ±1e-9
		independent int
		groups      int
		explain     string // substring of the explanation
	}{
		{name: "no evidence", want: 0, explain: "no releasable report"},
		{name: "one A1 fresh", ev: []Evidence{ev(1, "SEMAR", "", "A1", 0, Supports)}, want: 1, independent: 1, groups: 1},
		{name: "one B2 fresh", ev: []Evidence{ev(1, "SEMAR", "", "B2", 0, Supports)}, want: 0.64, independent: 1, groups: 1},
		// Independence.
		{name: "same agency counts once", ev: []Evidence{ev(1, "SEMAR", "", "B2", 0, Supports), ev(2, "SEMAR", "", "B2", 0, Supports)},
			want: 0.64, independent: 1, groups: 1, explain: "count once"},
		{name: "same source across agencies counts once", ev: []Evidence{ev(1, "SEMAR", "src-7", "B2", 0, Supports), ev(2, "DEA", "src-7", "C3", 0, Supports)},
			want: 0.64, independent: 1, groups: 1, explain: "sources src-7"},
		{name: "source match ignores case and space", ev: []Evidence{ev(1, "SEMAR", "Reuters", "B2", 0, Supports), ev(2, "DEA", " reuters", "B2", 0, Supports)},
			want: 0.64, independent: 1, groups: 1},
		{name: "two agencies are independent", ev: []Evidence{ev(1, "SEMAR", "", "B2", 0, Supports), ev(2, "DEA", "", "B2", 0, Supports)},
			want: 1 - 0.36*0.36, independent: 2, groups: 2},
		{name: "transitive dependence", ev: []Evidence{ev(1, "SEMAR", "s1", "B2", 0, Supports), ev(2, "DEA", "s1", "B2", 0, Supports), ev(3, "DEA", "s2", "A1", 0, Supports)},
			want: 1, independent: 1, groups: 1},
		{name: "group takes strongest member", ev: []Evidence{ev(1, "SEMAR", "", "E5", 0, Supports), ev(2, "SEMAR", "", "A1", 0, Supports)},
			want: 1, independent: 1, groups: 1, explain: "strongest report 2"},
		// Grading.
		{name: "F6 weak", ev: []Evidence{ev(1, "SEMAR", "", "F6", 0, Supports)}, want: 0.09, independent: 0, groups: 1},
		{name: "E5 below independence threshold", ev: []Evidence{ev(1, "SEMAR", "", "E5", 0, Supports), ev(2, "DEA", "", "A1", 0, Supports)},
			want: 1, independent: 1, groups: 2},
		{name: "C3 and D4", ev: []Evidence{ev(1, "SEMAR", "", "C3", 0, Supports), ev(2, "DEA", "", "D4", 0, Supports)},
			want: 1 - (1-0.36)*(1-0.16), independent: 1, groups: 2},
		// Decay.
		{name: "one half-life", ev: []Evidence{ev(1, "SEMAR", "", "A1", half, Supports)}, want: 0.5, independent: 1, groups: 1},
		{name: "two half-lives", ev: []Evidence{ev(1, "SEMAR", "", "A1", 2*half, Supports)}, want: 0.25, independent: 1, groups: 1},
		{name: "custom half-life", ev: []Evidence{ev(1, "SEMAR", "", "A1", 12*h, Supports)}, params: Params{HalfLife: 12 * h}, want: 0.5, independent: 1, groups: 1},
		{name: "future observation is fresh", ev: []Evidence{ev(1, "SEMAR", "", "A1", -5*h, Supports)}, want: 1, independent: 1, groups: 1},
		{name: "stale falls below threshold", ev: []Evidence{ev(1, "SEMAR", "", "A1", 5*half, Supports)}, want: 1.0 / 32, independent: 0, groups: 1},
		// Contradiction.
		{name: "contradiction lowers", ev: []Evidence{ev(1, "SEMAR", "", "A1", 0, Supports), ev(2, "DEA", "", "B2", 0, Contradicts)},
			want: 1 * (1 - 0.64), independent: 1, groups: 2, explain: "contradicts: reports [2]"},
		{name: "contradictions grouped by independence", ev: []Evidence{ev(1, "SEMAR", "", "A1", 0, Supports), ev(2, "DEA", "", "B2", 0, Contradicts), ev(3, "DEA", "", "B2", 0, Contradicts)},
			want: 1 - 0.64, independent: 1, groups: 2},
		{name: "independent contradictions compound", ev: []Evidence{ev(1, "SEMAR", "", "A1", 0, Supports), ev(2, "DEA", "", "B2", 0, Contradicts), ev(3, "CBP", "", "B2", 0, Contradicts)},
			want: 1 - (1 - 0.36*0.36), independent: 1, groups: 3},
		{name: "stale contradiction matters less", ev: []Evidence{ev(1, "SEMAR", "", "A1", 0, Supports), ev(2, "DEA", "", "A1", half, Contradicts)},
			want: 0.5, independent: 1, groups: 2},
		{name: "mentions ignored", ev: []Evidence{ev(1, "SEMAR", "", "A1", 0, Mentions)}, want: 0, groups: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.params
			p.Now = now
			s, err := Corroborate(Claim{EntityID: 1}, tc.ev, p)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(s.Value-tc.want) > 1e-9 {
				t.Errorf("score %.6f, want %.6f\n%s", s.Value, tc.want, strings.Join(s.Explanation, "\n"))
			}
			if s.Independent != tc.independent {
				t.Errorf("independent %d, want %d", s.Independent, tc.independent)
			}
			if len(s.Groups) != tc.groups {
				t.Errorf("%d groups, want %d", len(s.Groups), tc.groups)
			}
			if tc.explain != "" && !strings.Contains(strings.Join(s.Explanation, "\n"), tc.explain) {
				t.Errorf("explanation lacks %q:\n%s", tc.explain, strings.Join(s.Explanation, "\n"))
			}
		})
	}
}

func TestCorroborateWindowAndErrors(t *testing.T) {
	e := []Evidence{ev(1, "SEMAR", "", "A1", 48*time.Hour, Supports), ev(2, "DEA", "", "A1", 0, Supports)}
	s, err := Corroborate(Claim{EntityID: 1, From: now.Add(-24 * time.Hour), To: now}, e, Params{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if s.Value != 1 || len(s.Groups) != 1 || s.Groups[0].Best != 2 {
		t.Errorf("window: score %v groups %+v; want only report 2", s.Value, s.Groups)
	}
	if !strings.Contains(strings.Join(s.Explanation, "\n"), "1 report(s) observed outside") {
		t.Errorf("explanation does not count the report outside the window: %q", s.Explanation)
	}
	for name, c := range map[string]struct {
		claim Claim
		p     Params
		ev    []Evidence
	}{
		"no time":       {Claim{}, Params{}, nil},
		"negative half": {Claim{}, Params{Now: now, HalfLife: -time.Hour}, nil},
		"window":        {Claim{From: now, To: now.Add(-time.Hour)}, Params{Now: now}, nil},
		"bad grade":     {Claim{}, Params{Now: now}, []Evidence{{ReportID: 1, Originator: "X", Grade: access.Grade{Reliability: 'Z', Credibility: 1}, Observed: now, Stance: Supports}}},
	} {
		if _, err := Corroborate(c.claim, c.ev, c.p); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestIdentifiers(t *testing.T) {
	good := []Identifier{
		{IMO, "9074729"}, {IMO, "IMO 9074729"}, {MMSI, "345070123"}, {RFC, "GOMC800101AB1"}, {RFC, "ABC800101AB1"},
		{Passport, "mex:g12345678"}, {Plate, "BC:ABC-123-4"}, {CURP, "HEGG560427MVZRRL04"},
	}
	for _, id := range good {
		if _, err := NormaliseIdentifier(id); err != nil {
			t.Errorf("%v: %v", id, err)
		}
	}
	bad := []Identifier{
		{IMO, "9074728"}, {IMO, "907472"}, {MMSI, "34507012"}, {MMSI, "000000000"}, {RFC, "GOMC801301AB1"},
		{CURP, "HEGG560427MVZRRL05"}, {CURP, "HEGG560427MZZRRL04"}, {"SSN", "123"}, {Plate, "A"},
	}
	for _, id := range bad {
		if _, err := NormaliseIdentifier(id); err == nil {
			t.Errorf("%v accepted", id)
		}
	}
	if n, _ := NormaliseIdentifier(Identifier{IMO, "imo 9074729"}); n != (Identifier{IMO, "9074729"}) {
		t.Errorf("normalised %v", n)
	}
}

func TestValidate(t *testing.T) {
	m := access.Markings{Originator: "SEMAR", TLP: access.TLPAmber, RelTo: []access.Target{{Type: access.TargetState, Value: "USA"}}}
	r := Report{Markings: m, Discipline: HUMINT, Grade: access.Grade{Reliability: 'B', Credibility: 2}, Observed: now, Title: "x",
		Entities: []Mention{{1, Supports}}, Location: &Point{20, -100}}
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mut := range map[string]func(*Report){
		"discipline": func(r *Report) { r.Discipline = "MAGIC" },
		"grade":      func(r *Report) { r.Grade.Credibility = 9 },
		"time":       func(r *Report) { r.Observed = time.Time{} },
		"title":      func(r *Report) { r.Title = " " },
		"location":   func(r *Report) { r.Location = &Point{91, 0} },
		"stance":     func(r *Report) { r.Entities = []Mention{{1, "maybe"}} },
		"dup entity": func(r *Report) { r.Entities = []Mention{{1, Supports}, {1, Mentions}} },
		"markings":   func(r *Report) { r.Markings.TLP = "PINK" },
	} {
		c := r
		mut(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	e := Entity{Kind: Vessel, Name: "Dona Paz", Identifiers: []Identifier{{IMO, "imo9074729"}}, Markings: m}
	if err := e.Validate(); err != nil || e.Identifiers[0].Value != "9074729" {
		t.Errorf("entity: %v %v", err, e.Identifiers)
	}
	e.Kind = "spaceship"
	if e.Validate() == nil {
		t.Error("bad kind accepted")
	}
	l := Link{Source: 1, Target: 2, Kind: "leads", ValidFrom: now, ValidTo: now.Add(time.Hour), Markings: m}
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	if !l.ActiveAt(now) || l.ActiveAt(now.Add(time.Hour)) || l.ActiveAt(now.Add(-time.Second)) {
		t.Error("ActiveAt wrong at the interval's bounds")
	}
	l.ValidTo = now.Add(-time.Hour)
	if l.Validate() == nil {
		t.Error("reversed interval accepted")
	}
	if d := DistanceNM(Point{0, 0}, Point{1, 0}); math.Abs(d-60.04) > 0.1 {
		t.Errorf("one degree of latitude = %.2f nm, want ~60", d)
	}
}

func FuzzNormaliseIdentifier(f *testing.F) {
	for _, s := range []string{"CURP|HEGG560427MVZRRL04", "IMO|9074729", "MMSI|345070123", "PLATE|BC:ABC-123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		scheme, v, _ := strings.Cut(s, "|")
		n, err := NormaliseIdentifier(Identifier{Scheme(scheme), v})
		if err != nil {
			return
		}
		again, err := NormaliseIdentifier(n)
		if err != nil || again != n {
			t.Fatalf("normal form %v not stable: %v %v", n, again, err)
		}
	})
}
