package web

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/detect"
)

type fakeAlerts struct {
	alerts []detect.Alert
	got    []AlertQuery
}

func (f *fakeAlerts) Alert(ctx context.Context, u access.User, id string) (detect.Alert, error) {
	for _, a := range f.alerts {
		if a.ID == id {
			return a, nil
		}
	}
	return detect.Alert{}, errNotFound
}

func (f *fakeAlerts) Alerts(ctx context.Context, u access.User, q AlertQuery) ([]detect.Alert, error) {
	f.got = append(f.got, q)
	var out []detect.Alert
	for _, a := range f.alerts {
		if (q.Kind == "" || a.Kind == q.Kind) && len(out) < q.Limit {
			out = append(out, a)
		}
	}
	return out, nil
}

func TestAlertsRoute(t *testing.T) {
	fa := &fakeAlerts{alerts: []detect.Alert{
		{ID: "a1", Kind: detect.KindSpeed, Severity: "high", MMSI: []uint32{334000001}, Start: t0, End: t0.Add(time.Hour), Lat: 19.2, Lon: -86.3, State: "MEX", Zone: "eez", Authority: "SEMAR"},
		{ID: "a2", Kind: detect.KindGap, Severity: "low", MMSI: []uint32{345000001}, Start: t0, End: t0.Add(time.Hour), Lat: 22, Lon: -96, State: "MEX", Zone: "eez", Authority: "SEMAR"},
	}}
	s, _ := newTestServer(t, func(c *Config) { c.Alerts = fa })
	w := get(t, s, "/api/v1/alerts?kind=speed&mmsi=334000001&bbox=-90,15,-80,23&from=2026-01-15T00:00:00Z&limit=5")
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var got []map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0]["kind"] != "speed" || got[0]["authority"] != "SEMAR" || got[0]["start"] == nil {
		t.Errorf("body %s", w.Body)
	}
	q := fa.got[len(fa.got)-1]
	if q.Kind != "speed" || q.MMSI != 334000001 || !q.HasBox || q.MinLon != -90 || q.MaxLat != 23 || q.Limit != 5 || q.From.IsZero() {
		t.Errorf("query %+v", q)
	}
	// default window: the last 24 hours before now
	get(t, s, "/api/v1/alerts")
	if q := fa.got[len(fa.got)-1]; !q.From.Equal(t0.Add(time.Minute).Add(-24*time.Hour)) || q.Limit != 1000 {
		t.Errorf("default query %+v", q)
	}
	w = get(t, s, "/api/v1/alerts?limit=1")
	if w.Header().Get(limitHeader) != "true" {
		t.Error("limit reached not signalled")
	}
	for _, c := range []struct{ target, want string }{
		{"/api/v1/alerts?kind=smuggling", "kind must be one of"},
		{"/api/v1/alerts?mmsi=abc", "mmsi"},
		{"/api/v1/alerts?from=yesterday", "from must be an RFC 3339"},
		{"/api/v1/alerts?from=2026-01-15T02:00:00Z&to=2026-01-15T01:00:00Z", "must be before"},
		{"/api/v1/alerts?bbox=10,0,-10,5", "antimeridian"},
		{"/api/v1/alerts?limit=0", "limit"},
		{"/api/v1/alerts?knd=speed", "unknown query parameter"},
	} {
		w := get(t, s, c.target)
		code, msg := apiError(t, w)
		if w.Code != 400 || code != CodeBadRequest || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %d %s %q, want 400 naming %q", c.target, w.Code, code, msg, c.want)
		}
	}
	if w := get(t, s, "/api/v1/alerts/a2"); w.Code != 200 || !strings.Contains(w.Body.String(), `"id":"a2"`) {
		t.Errorf("one alert: %d %s", w.Code, w.Body)
	}
	if w := get(t, s, "/api/v1/alerts/a9"); w.Code != 404 {
		t.Errorf("missing alert: %d %s", w.Code, w.Body)
	}
	for _, target := range []string{"/api/v1/alerts", "/api/v1/alerts/a1"} {
		if w := get(t, s, target, "Authorization", "Bearer wrong"); w.Code != 401 {
			t.Errorf("%s with a wrong token: %d", target, w.Code)
		}
		if w := get(t, s, target, "Cookie", "x=y"); w.Code != 401 {
			t.Errorf("%s anonymous: %d", target, w.Code)
		}
	}
	s2, _ := newTestServer(t, nil)
	if w := get(t, s2, "/api/v1/alerts"); w.Code != 503 {
		t.Errorf("without detectors: %d", w.Code)
	}
}
