package jurisdiction

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseLatLon(t *testing.T) {
	tests := []struct {
		in       string
		lat, lon float64
		err      string
	}{
		{"25.7,-92.3", 25.7, -92.3, ""},
		{" 25.7 , -92.3 \r", 25.7, -92.3, ""},
		{"-90,180", -90, 180, ""},
		{"0,0", 0, 0, ""},
		{"25.7", 0, 0, `want "lat,lon"`},
		{"25.7;-92.3", 0, 0, `want "lat,lon"`},
		{"1,2,3", 0, 0, `want "lat,lon"`},
		{"north,-92", 0, 0, `latitude "north" is not a decimal number`},
		{"25,west", 0, 0, `longitude "west" is not a decimal number`},
		{"NaN,1", 0, 0, "latitude"},
		{"1,Inf", 0, 0, "longitude"},
		{"90.5,1", 0, 0, "latitude 90.5 is out of range [-90, 90]"},
		{"1,-180.01", 0, 0, "longitude -180.01 is out of range"},
		{",", 0, 0, `latitude "" is not a decimal number`},
	}
	for _, tc := range tests {
		lat, lon, err := ParseLatLon(tc.in)
		if tc.err == "" {
			if err != nil || lat != tc.lat || lon != tc.lon {
				t.Errorf("ParseLatLon(%q) = %g, %g, %v; want %g, %g", tc.in, lat, lon, err, tc.lat, tc.lon)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ParseLatLon(%q) error %v; want one containing %q", tc.in, err, tc.err)
		}
	}
}

func FuzzParseLatLon(f *testing.F) {
	for _, s := range []string{"25.7,-92.3", " 1 , 2 ", "91,0", "a,b", "1e308,1", ",", "0x1p3,4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lat, lon, err := ParseLatLon(s)
		if err == nil && !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
			t.Fatalf("ParseLatLon(%q) = %g, %g without error", s, lat, lon)
		}
		if err != nil && err.Error() == "" {
			t.Fatalf("ParseLatLon(%q): empty error", s)
		}
	})
}

// fakeLookup answers from the coordinates alone, so that Stream is tested without data.
func fakeLookup(lat, lon float64) Answer {
	a := Answer{Lat: lat, Lon: lon, Zone: ZoneHighSeas, Regime: RegimeOf(ZoneHighSeas)}
	if lon < -95 {
		a.State, a.Zone, a.Authority, a.BaselineNM = "MEX", ZoneEEZ, "SEMAR", 100
		a.Regime = RegimeOf(ZoneEEZ)
	}
	return a
}

func TestStream(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		json    bool
		out     string // expected output
		bad     []int64
		stats   StreamStats
		wantErr error
	}{
		{"csv with header and comments", "lat,lon\n20,-100\n\n# note\n25.7,-92.3\n", false,
			strings.Join(CSVHeader, ",") + "\n" +
				"20.000000,-100.000000,MEX,,eez,100.000,,0.000,SEMAR,,flag_state,none,eez_rights\n" +
				"25.700000,-92.300000,,,high_seas,0.000,,0.000,,,flag_state,none,\n",
			nil, StreamStats{Lines: 5, Answered: 2, Skipped: 3}, nil},
		{"bad lines are counted and named", "20,-100\nx\n95,0\n25,-92\n", false,
			strings.Join(CSVHeader, ",") + "\n" +
				"20.000000,-100.000000,MEX,,eez,100.000,,0.000,SEMAR,,flag_state,none,eez_rights\n" +
				"25.000000,-92.000000,,,high_seas,0.000,,0.000,,,flag_state,none,\n",
			[]int64{2, 3}, StreamStats{Lines: 4, Answered: 2, Bad: 2}, ErrBadLines},
		{"json lines", "20,-100\n", true,
			`{"lat":20,"lon":-100,"state":"MEX","zone":"eez","baseline_nm":100,"other_nm":0,"authority":"SEMAR","basis":"","regime":{"boarding_consent":"flag_state","stateless_consent":"none","hot_pursuit":true,"hot_pursuit_grounds":["eez_rights"],"citations":["UNCLOS art. 56","UNCLOS art. 57","UNCLOS art. 58","UNCLOS art. 110","UNCLOS art. 111(2)","Vienna Conv. 1988 art. 17"]}}` + "\n",
			nil, StreamStats{Lines: 1, Answered: 1}, nil},
		{"empty input", "", false, strings.Join(CSVHeader, ",") + "\n", nil, StreamStats{}, nil},
		{"header only later is bad", "1,2\nlat,lon\n", false, "", []int64{2}, StreamStats{Lines: 2, Answered: 1, Bad: 1}, ErrBadLines},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			var bad []int64
			var progress int
			st, err := Stream(context.Background(), fakeLookup, strings.NewReader(tc.in), &out, StreamOptions{
				Name: "test.csv", JSON: tc.json,
				BadLine:  func(line int64, err error) { bad = append(bad, line) },
				Progress: func(StreamStats) { progress++ },
			})
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("err %v; want %v", err, tc.wantErr)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "test.csv: ") {
				t.Errorf("error %q does not name the input", err)
			}
			if st != tc.stats {
				t.Errorf("stats %+v; want %+v", st, tc.stats)
			}
			if fmt.Sprint(bad) != fmt.Sprint(tc.bad) {
				t.Errorf("bad lines %v; want %v", bad, tc.bad)
			}
			if tc.out != "" && out.String() != tc.out {
				t.Errorf("output:\n%s\nwant:\n%s", out.String(), tc.out)
			}
			if progress != 1 {
				t.Errorf("progress called %d times; want once at the end", progress)
			}
		})
	}
}

func TestStreamLongLine(t *testing.T) {
	in := "1,2\n" + strings.Repeat("9", 2<<20) + "\n"
	_, err := Stream(context.Background(), fakeLookup, strings.NewReader(in), &bytes.Buffer{}, StreamOptions{Name: "big"})
	if err == nil || !strings.Contains(err.Error(), "big:2: line longer than 1 MiB") {
		t.Errorf("err %v; want one naming line 2", err)
	}
}

func TestStreamCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := strings.Repeat("1,2\n", 10000)
	st, err := Stream(ctx, fakeLookup, strings.NewReader(in), &bytes.Buffer{}, StreamOptions{})
	if !errors.Is(err, context.Canceled) || st.Lines >= 10000 {
		t.Errorf("canceled stream: %+v, %v; want context.Canceled before the end", st, err)
	}
}
