package ops

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const validOp = `{
  "type": "arrest",
  "location": {"lat": 24.80, "lon": -107.39},
  "start": "2026-05-01T06:00:00Z",
  "end": "2026-05-01T18:00:00Z",
  "participants": [{"state": "MEX", "agency": "FGR", "kind": "officer", "count": 12, "armed": true, "role": "lead"}],
  "force_level": 3,
  "corroboration": {"independent_sources": 2, "best_grade": "B2"}
}`

func TestParseValid(t *testing.T) {
	op, err := ParseJSON([]byte(validOp))
	if err != nil {
		t.Fatal(err)
	}
	if op.Type != Arrest || op.Place.Point == nil || op.Place.Point.Lat != 24.80 || op.ForceLevel != 3 ||
		len(op.Participants) != 1 || op.Participants[0].Count != 12 || op.Corroboration.BestGrade != "B2" ||
		op.Duration().Hours() != 12 {
		t.Fatalf("got %+v", op)
	}
}

// TestParseErrors checks that each bad input names the field.
func TestParseErrors(t *testing.T) {
	repl := func(old, new string) string {
		if !strings.Contains(validOp, old) {
			t.Fatalf("test bug: %q not in the valid operation", old)
		}
		return strings.Replace(validOp, old, new, 1)
	}
	cases := []struct {
		name, in, field string
	}{
		{"empty", "", "(file)"},
		{"syntax", `{"type": }`, "(file)"},
		{"trailing", validOp + " {}", "(file)"},
		{"unknown key", repl(`"type"`, `"kind": 1, "type"`), "kind"},
		{"unknown type", repl(`"arrest"`, `"raid"`), "type"},
		{"missing type", repl(`"type": "arrest",`, ``), "type"},
		{"no place", repl(`"location": {"lat": 24.80, "lon": -107.39},`, ``), "location"},
		{"lat range", repl(`24.80`, `124.8`), "location.lat"},
		{"lat missing", repl(`"lat": 24.80, `, ``), "location.lat"},
		{"lat string", repl(`24.80`, `"24.8"`), "location.lat"},
		{"bad start", repl(`"2026-05-01T06:00:00Z"`, `"1 May 2026"`), "start"},
		{"end before start", repl(`"2026-05-01T18:00:00Z"`, `"2026-04-30T18:00:00Z"`), "end"},
		{"no participants", repl(`[{"state": "MEX", "agency": "FGR", "kind": "officer", "count": 12, "armed": true, "role": "lead"}]`, `[]`), "participants"},
		{"bad state", repl(`"MEX"`, `"Mexico"`), "participants[0].state"},
		{"bad kind", repl(`"officer"`, `"marine"`), "participants[0].kind"},
		{"zero count", repl(`"count": 12`, `"count": 0`), "participants[0].count"},
		{"missing count", repl(`"count": 12, `, ``), "participants[0].count"},
		{"missing agency", repl(`"agency": "FGR", `, ``), "participants[0].agency"},
		{"force 0", repl(`"force_level": 3`, `"force_level": 0`), "force_level"},
		{"force 6", repl(`"force_level": 3`, `"force_level": 6`), "force_level"},
		{"force missing", repl(`"force_level": 3,`, ``), "force_level"},
		{"bad grade", repl(`"B2"`, `"Z9"`), "corroboration.best_grade"},
		{"bad flag", repl(`"force_level": 3`, `"force_level": 3, "target_vessel": {"flag": "Panama"}`), "target_vessel.flag"},
		{"flag and stateless", repl(`"force_level": 3`, `"force_level": 3, "target_vessel": {"flag": "PAN", "stateless": true}`), "target_vessel"},
		{"area not polygon", repl(`"location": {"lat": 24.80, "lon": -107.39}`, `"area": {"type": "Point", "coordinates": []}`), "area.type"},
		{"area open ring", repl(`"location": {"lat": 24.80, "lon": -107.39}`, `"area": {"type": "Polygon", "coordinates": [[[-107,24],[-106,24],[-106,25],[-107,25.5]]]}`), "area.coordinates[0]"},
		{"area short ring", repl(`"location": {"lat": 24.80, "lon": -107.39}`, `"area": {"type": "Polygon", "coordinates": [[[-107,24],[-106,24],[-107,24]]]}`), "area.coordinates[0]"},
		{"area flat", repl(`"location": {"lat": 24.80, "lon": -107.39}`, `"area": {"type": "Polygon", "coordinates": [[[-107,24],[-106,24],[-105,24],[-107,24]]]}`), "area.coordinates[0]"},
		{"area bad position", repl(`"location": {"lat": 24.80, "lon": -107.39}`, `"area": {"type": "Polygon", "coordinates": [[[-107,24],[-106],[-106,25],[-107,24]]]}`), "area.coordinates[0][1]"},
		{"both places", repl(`"location": {"lat": 24.80, "lon": -107.39}`, `"location": {"lat": 24.80, "lon": -107.39}, "area": {"type": "Polygon", "coordinates": [[[-107,24],[-106,24],[-106,25],[-107,24]]]}`), "location"},
		{"consent no force", repl(`"force_level": 3`, `"force_level": 3, "consents": [{"state": "MEX", "authority": "SRE", "start": "2026-05-01T00:00:00Z", "end": "2026-05-02T00:00:00Z"}]`), "consents[0].max_force_level"},
		{"consent no authority", repl(`"force_level": 3`, `"force_level": 3, "consents": [{"state": "MEX", "start": "2026-05-01T00:00:00Z", "end": "2026-05-02T00:00:00Z", "max_force_level": 3}]`), "consents[0].authority"},
		{"consent no window", repl(`"force_level": 3`, `"force_level": 3, "consents": [{"state": "MEX", "authority": "SRE", "max_force_level": 3}]`), "consents[0].start"},
		{"consent participant kind", repl(`"force_level": 3`, `"force_level": 3, "consents": [{"state": "MEX", "authority": "SRE", "start": "2026-05-01T00:00:00Z", "end": "2026-05-02T00:00:00Z", "max_force_level": 3, "participants": [{"state": "USA", "agency": "DEA", "kind": "spy", "count": 1}]}]`), "consents[0].participants[0].kind"},
		{"pursuit zone", repl(`"force_level": 3`, `"force_level": 3, "pursuit": {"started_state": "USA", "started_zone": "ocean", "uninterrupted": true}`), "pursuit.started_zone"},
		{"pursuit uninterrupted", repl(`"force_level": 3`, `"force_level": 3, "pursuit": {"started_state": "USA", "started_zone": "eez"}`), "pursuit.uninterrupted"},
		{"count type", repl(`"count": 12`, `"count": "twelve"`), "participants.count"},
		{"empty report", repl(`"force_level": 3`, `"force_level": 3, "supporting_reports": [""]`), "supporting_reports[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseJSON([]byte(c.in))
			if err == nil {
				t.Fatal("got no error")
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("got %T %v, want a *FieldError", err, err)
			}
			if !strings.Contains(err.Error(), c.field+":") {
				t.Fatalf("got %q, want it to name field %s", err, c.field)
			}
			if fe.Fix == "" {
				t.Fatalf("got %q without a fix", err)
			}
		})
	}
}

func TestPolygon(t *testing.T) {
	sq := &Polygon{Rings: [][]Point{{{0, 0}, {0, 10}, {10, 10}, {10, 0}, {0, 0}}, {{4, 4}, {4, 6}, {6, 6}, {6, 4}, {4, 4}}}}
	for _, c := range []struct {
		p    Point
		want bool
	}{{Point{1, 1}, true}, {Point{5, 5}, false}, {Point{0, 5}, true}, {Point{11, 5}, false}, {Point{4, 5}, true}, {Point{-1, -1}, false}} {
		if got := sq.Contains(c.p); got != c.want {
			t.Errorf("Contains(%v) = %v, want %v", c.p, got, c.want)
		}
	}
	small := &Polygon{Rings: [][]Point{{{1, 1}, {1, 3}, {3, 3}, {3, 1}, {1, 1}}}}
	across := &Polygon{Rings: [][]Point{{{1, 1}, {1, 12}, {3, 12}, {3, 1}, {1, 1}}}}
	aroundHole := &Polygon{Rings: [][]Point{{{3, 3}, {3, 7}, {7, 7}, {7, 3}, {3, 3}}}}
	if !sq.ContainsPolygon(small) || sq.ContainsPolygon(across) || sq.ContainsPolygon(aroundHole) {
		t.Fatal("ContainsPolygon wrong")
	}
	// a concave consent area: an operation spanning its notch is outside
	u := &Polygon{Rings: [][]Point{{{0, 0}, {0, 10}, {10, 10}, {10, 0}, {7, 0}, {7, 8}, {3, 8}, {3, 0}, {0, 0}}}}
	bridge := &Polygon{Rings: [][]Point{{{1, 1}, {1, 9}, {9, 9}, {9, 1}, {1, 1}}}}
	if u.ContainsPolygon(bridge) {
		t.Fatal("a polygon spanning a notch counted as inside")
	}
	if n := len(small.Samples(nil, 64, 4)); n != 8+16 {
		t.Fatalf("Samples gave %d points, want 24", n)
	}
}

func TestGrade(t *testing.T) {
	for _, c := range []struct {
		g, min string
		want   bool
	}{{"A1", "B2", true}, {"B2", "B2", true}, {"B3", "B2", false}, {"C1", "B2", false}, {"", "B2", false}, {"G1", "B2", false}} {
		if got := GradeAtLeast(c.g, c.min); got != c.want {
			t.Errorf("GradeAtLeast(%q, %q) = %v", c.g, c.min, got)
		}
	}
}

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(validOp))
	// seeds: the operations of the policy's scenario tables
	for _, name := range []string{"scenarios.json", "heldout.json"} {
		b, err := os.ReadFile(filepath.Join("..", "policy", "testdata", name))
		if err != nil {
			continue
		}
		var sc []struct {
			Operation json.RawMessage `json:"operation"`
		}
		if json.Unmarshal(b, &sc) == nil {
			for _, s := range sc {
				f.Add([]byte(s.Operation))
			}
		}
	}
	f.Add([]byte(`{"area": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		op, err := ParseJSON(b)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T %v is not a FieldError", err, err)
			}
			return
		}
		if op.Validate() != nil {
			t.Fatal("parsed operation does not validate")
		}
		if (op.Place.Point == nil) == (op.Place.Area == nil) {
			t.Fatal("parsed operation without exactly one place")
		}
		out, err := json.Marshal(op)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseJSON(out)
		if err != nil || !reflect.DeepEqual(op, back) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, op, back)
		}
	})
}

func TestMarshalRoundTrip(t *testing.T) {
	for _, name := range []string{"scenarios.json", "heldout.json"} {
		b, err := os.ReadFile(filepath.Join("..", "policy", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		var sc []struct {
			Operation json.RawMessage `json:"operation"`
		}
		if err := json.Unmarshal(b, &sc); err != nil {
			t.Fatal(err)
		}
		for i, s := range sc {
			op, err := ParseJSON(s.Operation)
			if err != nil {
				t.Fatalf("%s[%d]: %v", name, i, err)
			}
			out, err := json.Marshal(op)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseJSON(out)
			if err != nil {
				t.Fatalf("%s[%d]: re-reading %s: %v", name, i, out, err)
			}
			if !reflect.DeepEqual(op, back) {
				t.Fatalf("%s[%d]: round trip differs:\n%+v\n%+v", name, i, op, back)
			}
		}
	}
}
