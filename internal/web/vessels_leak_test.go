package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/ingest"
	"accord/internal/store"
	"accord/internal/vessel"
)

// TestVesselPictureLeak drives the vessel routes over a real store (both dialects) with users
// of two states and a monitor, and tries to make them leak a position or a name from a feed
// not releasable to the reader: the box list (also across the antimeridian), the vessel
// detail, the track as JSON and as GeoJSON. The secrets are coordinates and names that only
// the unreleasable feed carries; a body that contains one has leaked.
func TestVesselPictureLeak(t *testing.T) {
	intelDialects(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		sv := st.Sovereignty()
		if err := sv.Seed(ctx, access.SeedStates, access.SeedAgencies); err != nil {
			t.Fatal(err)
		}
		srv, _ := newTestServer(t, func(c *Config) {
			c.Vessels = st
			c.NotFound = store.ErrNotFound
			c.Intel = IntelConfig{Store: sv, Sessions: sv}
		})
		tokens := map[string]string{}
		for _, u := range []struct {
			name, agency string
			role         access.Role
		}{{"mx", "SEMAR", access.RoleAnalyst}, {"us", "DEA", access.RoleWatchOfficer}, {"mon", "SEMAR", access.RoleMonitor}} {
			if _, err := sv.AddUser(ctx, store.System, store.NewUser{Name: u.name, Agency: u.agency, Roles: []access.Role{u.role}, Password: "vessel password 1"}); err != nil {
				t.Fatal(err)
			}
			rec := call(t, srv, "POST", "/api/v1/login", map[string]string{"name": u.name, "password": "vessel password 1", "kind": "token"})
			var lr struct{ Token string }
			if json.Unmarshal(rec.Body.Bytes(), &lr); lr.Token == "" {
				t.Fatalf("login %s: %d %s", u.name, rec.Code, rec.Body)
			}
			tokens[u.name] = "Authorization: Bearer " + lr.Token
		}

		// Two feeds report the shared vessel; each has a vessel of its own. The Mexican feed is
		// AMBER for Mexico, the US one GREEN for the United States and newer on the shared vessel.
		now := t0
		mx := ingest.FeedStats{Name: "semar-radar", Kind: "file", Originator: "SEMAR", TLP: "AMBER", RelTo: []string{"MEX"}}
		us := ingest.FeedStats{Name: "uscg-ais", Kind: "file", Originator: "USCG", TLP: "GREEN", RelTo: []string{"state:USA"}}
		const shared, mxOwn, usOwn, usDateline = 366000001, 345000002, 367000003, 367000004
		p := func(m uint32, t time.Time, lat, lon float64, feed string) vessel.Position {
			return vessel.Position{MMSI: m, Time: t, Lat: lat, Lon: lon, SOG: 10, COG: 90, Heading: vessel.NA, NavStatus: 0, MsgType: 1, Source: feed}
		}
		na := vessel.NA
		if err := st.WriteBatch(ctx, &ingest.Batch{
			Feeds: []ingest.FeedStats{mx, us},
			Positions: []vessel.Position{
				p(shared, now.Add(-2*time.Hour), 21.1111, -86.1111, mx.Name),
				p(shared, now.Add(-time.Hour), 21.2222, -86.2222, mx.Name),
				p(shared, now.Add(-30*time.Minute), 24.7777, -81.7777, us.Name), // newest, US only
				p(mxOwn, now.Add(-time.Hour), 19.3333, -95.3333, mx.Name),
				p(usOwn, now.Add(-time.Hour), 25.8888, -80.8888, us.Name),
				p(usDateline, now.Add(-time.Hour), 51.9999, 179.9999, us.Name),
			},
			Statics: []vessel.Static{
				{MMSI: shared, Name: "MX NAME", Time: now.Add(-3 * time.Hour), Source: mx.Name, Length: na, Beam: na, Draught: na},
				{MMSI: shared, Name: "US SECRET NAME", IMO: 9876543, Time: now.Add(-time.Minute), Source: us.Name, Length: na, Beam: na, Draught: na},
				{MMSI: usOwn, Name: "US OWN SECRET", Time: now, Source: us.Name, Length: na, Beam: na, Draught: na},
			},
		}); err != nil {
			t.Fatal(err)
		}
		secrets := map[string][]string{
			"mx": {"24.7777", "-81.7777", "25.8888", "51.9999", "US SECRET", "US OWN", "9876543", "uscg-ais"},
			"us": {"21.1111", "21.2222", "-86.2222", "19.3333", "MX NAME", "semar-radar"},
		}
		visible := map[string][]uint32{"mx": {mxOwn, shared}, "us": {shared, usOwn, usDateline}}
		hidden := map[string][]uint32{"mx": {usOwn, usDateline}, "us": {mxOwn}}
		window := "from=" + now.Add(-24*time.Hour).Format(time.RFC3339) + "&to=" + now.Add(time.Hour).Format(time.RFC3339)
		for _, who := range []string{"mx", "us"} {
			var targets []string
			for _, b := range []string{"", "?bbox=-180,-90,180,90", "?bbox=170,40,-170,60", "?bbox=-82,24,-81,25"} {
				targets = append(targets, "/api/v1/vessels"+b)
			}
			for _, m := range append(append([]uint32{}, visible[who]...), hidden[who]...) {
				targets = append(targets, fmt.Sprintf("/api/v1/vessels/%d", m),
					fmt.Sprintf("/api/v1/vessels/%d/track?%s", m, window),
					fmt.Sprintf("/api/v1/vessels/%d/track?%s&format=geojson", m, window))
			}
			bodies := map[string]string{}
			for _, target := range targets {
				rec := call(t, srv, "GET", target, nil, tokens[who])
				bodies[target] = rec.Body.String()
				for _, s := range secrets[who] {
					if strings.Contains(rec.Body.String(), s) {
						t.Errorf("%s GET %s: %d, body leaks %q: %s", who, target, rec.Code, s, rec.Body)
					}
				}
				if rec.Code != 200 && rec.Code != 404 {
					t.Errorf("%s GET %s: %d %s", who, target, rec.Code, rec.Body)
				}
			}
			for _, m := range hidden[who] {
				target := fmt.Sprintf("/api/v1/vessels/%d", m)
				if rec := call(t, srv, "GET", target, nil, tokens[who]); rec.Code != 404 {
					t.Errorf("%s GET %s: %d, want 404 like an unknown vessel", who, target, rec.Code)
				}
				if b := bodies[fmt.Sprintf("/api/v1/vessels/%d/track?%s", m, window)]; strings.TrimSpace(b) != "[]" && !strings.Contains(b, "not_found") {
					t.Errorf("%s: track of hidden vessel %d: %s", who, m, b)
				}
			}
			var list []vesselJSON
			if err := json.Unmarshal([]byte(bodies["/api/v1/vessels"]), &list); err != nil {
				t.Fatal(err)
			}
			var got []uint32
			for _, v := range list {
				got = append(got, v.MMSI)
			}
			if fmt.Sprint(got) != fmt.Sprint(visible[who]) {
				t.Errorf("%s: list has %v, want %v", who, got, visible[who])
			}
		}
		// Each reader sees the shared vessel where his newest releasable feed put it.
		for who, lat := range map[string]float64{"mx": 21.2222, "us": 24.7777} {
			var v vesselJSON
			rec := call(t, srv, "GET", fmt.Sprintf("/api/v1/vessels/%d", shared), nil, tokens[who])
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || v.Lat != lat {
				t.Errorf("%s: shared vessel at %v (%v), want lat %v: %s", who, v.Lat, err, lat, rec.Body)
			}
		}
		var tr []positionJSON
		rec := call(t, srv, "GET", fmt.Sprintf("/api/v1/vessels/%d/track?%s", shared, window), nil, tokens["mx"])
		if err := json.Unmarshal(rec.Body.Bytes(), &tr); err != nil || len(tr) != 2 {
			t.Errorf("mx: shared track has %d positions (%v), want the 2 of the Mexican feed: %s", len(tr), err, rec.Body)
		}
		// The monitor sees no position at all.
		for _, target := range []string{"/api/v1/vessels", fmt.Sprintf("/api/v1/vessels/%d", mxOwn), fmt.Sprintf("/api/v1/vessels/%d/track", mxOwn)} {
			rec := call(t, srv, "GET", target, nil, tokens["mon"])
			if rec.Code != 403 || strings.Contains(rec.Body.String(), "19.33") {
				t.Errorf("monitor GET %s: %d %s, want 403", target, rec.Code, rec.Body)
			}
		}
	})
}
