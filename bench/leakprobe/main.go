// Command leakprobe is a black-box releasability probe of a running `accord serve`.
//
// It was written from the documentation only (docs/api.md, docs/sovereignty.md, docs/cases.md,
// docs/operations.md, the served /api/openapi.yaml, DESIGN.md §2 and the CLI help), not from
// the store or web code. It logs users in through the API, seeds records with every marking
// variant as their originators, computes from the documented rules who may read each record
// (its own oracle), then sends each user a large and varied set of requests and scans every
// raw response (status line, headers, body, and base64 found in the body) for canary tokens:
// a canary of a record that is not releasable to the user who received it is a leak.
//
// Usage (run.sh does all of this): leakprobe -base http://127.0.0.1:PORT -users users.txt
// where users.txt holds one "name agency roles password" per line (roles comma-separated).
// The exit status is 1 when a leak is found, 2 when the probe could not run.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// user is one account of the probe, as the API describes it after login.
type user struct {
	Name, Agency, State string
	Roles               []string
	Password            string
	ID                  int64
	Token               string // bearer token from POST /api/v1/login kind "token"
	Cookie, CSRF        string // browser session, for the users logged in with kind "session"
}

func (u *user) has(role string) bool { return slices.Contains(u.Roles, role) }

// monitor reports whether the user reads no record in full (sovereignty.md rule 1).
func (u *user) monitor() bool { return u.has("monitor") || len(u.Roles) == 0 }

// markings are a record's originator agency, TLP 2.0 level and REL TO list.
type markings struct {
	Originator string   `json:"originator"`
	TLP        string   `json:"tlp"`
	RelTo      []string `json:"rel_to,omitempty"`
}

// record is one seeded record with what the probe needs to recognise it in an answer.
type record struct {
	Kind     string // report, entity, link, operation
	ID       int64  // reports, entities, links
	OpID     string // operations
	M        markings
	Audience []string // operations: states of the audience (from the creator's view)
	Canaries []string // lower-case tokens placed in its text fields
	STIXID   string
	SHA      []string // attachment SHA-256 (hex)
	B64      []string // attachment content as base64, as STIX carries it
	Src, Dst int64    // links: the entity ids at both ends
	Entities []int64  // reports: entities named
	Consents []string // operations: consent request ids
	Note     string   // the variant's description
	Cell     string   // reports: the aggregates cell "month state discipline tlp"
}

// probe holds the state of one run.
type probe struct {
	base   string
	client *http.Client
	users  []*user
	byName map[string]*user
	recs   []*record
	canary map[string]*record // lower-case canary -> record
	stix   map[string]*record // STIX id -> record
	// stixShared: STIX id -> agencies that hold a record of their own with it (made by the
	// STIX-id reuse probe), whose users may therefore meet the id; guarded by mu.
	stixShared map[string]map[string]bool
	sha        map[string]*record // attachment hash -> record
	reports    map[int64]*record
	ents       map[int64]*record
	ops        map[string]*record
	ids        map[string]*record // alert and case ids -> record

	alertFeeds string
	mmsiFeed   map[int64]markings // simulated vessel -> its feed's marking
	vesselGap  map[string]int     // user -> vessels of feeds not releasable to the user, in /api/v1/vessels
	vesselSim  map[string]int     // user -> vessels of the simulated feeds in /api/v1/vessels

	requests atomic.Int64
	byStatus sync.Map // status -> *atomic.Int64

	mu            sync.Mutex
	leaks         []string
	findings      []string
	idLeaks       []string
	seen          map[string]map[*record]bool // user name -> records whose canaries reached the user
	listSeen      map[string]map[int64]bool   // user -> report ids through the paged list
	entSeen       map[string]map[int64]bool   // user -> entity ids through the entity list
	cursors       []string
	errors5xx     map[string]int
	aggChecked    int
	caseRefusals  map[string]int
	existAnswers  map[string]map[string][]string // user|route -> answer -> requests (hidden or missing records)
	stixProbes    int                            // POSTs reusing the STIX id of a report the writer may not read
	stixConflicts int                            // ... answered 409, which tells the writer the hidden report exists (a leak)
	stixCreated   int                            // ... answered 201 like a fresh id (a STIX id is unique per originator)
	stixRefused   int                            // ... answered 403: the user holds no writing role
	rejected      int
	accepted      []string
	leakCount     int
}

var (
	reCanary = regexp.MustCompile(`cnry[relo]\d+[a-h]z`)
	reB64    = regexp.MustCompile(`[A-Za-z0-9+/_-]{16,}={0,2}`)
	reSTIX   = regexp.MustCompile(`[a-z][a-z0-9-]*--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	reHex    = regexp.MustCompile(`[0-9a-f]{64}`)
	reID     = regexp.MustCompile(`\b(case-[0-9a-f]+|[0-9a-f]{16})\b`)
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "server URL")
	usersFile := flag.String("users", "", `file of "name agency roles password" lines`)
	expired := flag.String("expired-token", "", "a bearer token that has expired (accord user token --ttl 1s)")
	workers := flag.Int("workers", 6, "concurrent requests")
	label := flag.String("label", "sqlite", "label of this run (the store dialect)")
	alertFeeds := flag.String("alert-feeds", "", "TRUTH=ORIGINATOR/TLP,...: the ground-truth file of each simulated feed and the feed's marking (alerts and cases are seeded from them)")
	strictV := flag.Bool("strict-vessels", false, "count vessels of feeds not releasable to the user as leaks (docs/api.md: not yet filtered per feed)")
	mutateFlag := flag.String("mutate-oracle", "", "self-test: make the oracle wrong (red: RED recipients may not read; amber: AMBER REL TO a state is ignored) and expect leaks")
	flag.Parse()
	p := &probe{
		base:         strings.TrimRight(*base, "/"),
		client:       &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 32}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		byName:       map[string]*user{},
		canary:       map[string]*record{},
		stix:         map[string]*record{},
		stixShared:   map[string]map[string]bool{},
		sha:          map[string]*record{},
		reports:      map[int64]*record{},
		ents:         map[int64]*record{},
		ops:          map[string]*record{},
		seen:         map[string]map[*record]bool{},
		listSeen:     map[string]map[int64]bool{},
		entSeen:      map[string]map[int64]bool{},
		errors5xx:    map[string]int{},
		ids:          map[string]*record{},
		caseRefusals: map[string]int{},
		mmsiFeed:     map[int64]markings{},
		vesselGap:    map[string]int{},
		vesselSim:    map[string]int{},
		existAnswers: map[string]map[string][]string{},
	}
	mutate = *mutateFlag
	strictVessels = *strictV
	start := time.Now()
	p.alertFeeds = *alertFeeds
	if err := p.run(*usersFile, *expired, *workers, *label); err != nil {
		fmt.Fprintln(os.Stderr, "leakprobe:", err)
		os.Exit(2)
	}
	fmt.Printf("elapsed %s\n", time.Since(start).Round(time.Millisecond))
	if p.leakCount > 0 {
		os.Exit(1)
	}
}

func (p *probe) run(usersFile, expired string, workers int, label string) error {
	if err := p.loadUsers(usersFile); err != nil {
		return err
	}
	if err := p.login(); err != nil {
		return err
	}
	if err := p.seed(); err != nil {
		return err
	}
	byKind := map[string]int{}
	for _, r := range p.recs {
		byKind[r.Kind]++
	}
	fmt.Printf("[%s] seeded %d records %v; %d invalid markings rejected, %d accepted\n", label, len(p.recs), byKind, p.rejected, len(p.accepted))
	// Phase 1: the obvious lists, paged, per user (coverage, cursors for later).
	p.pageLists()
	// Phase 2: the attack, all users interleaved.
	var jobs []job
	for _, u := range p.users {
		jobs = append(jobs, p.attacks(u)...)
	}
	jobs = append(jobs, p.crossAttacks(expired)...)
	fmt.Printf("[%s] phase 2: %d GET/HEAD/OPTIONS/... requests\n", label, len(jobs))
	p.runJobs(jobs, workers)
	// Phase 3: writes that may echo records, then a revoked token.
	var posts []job
	for _, u := range p.users {
		posts = append(posts, p.writeAttacks(u)...)
	}
	fmt.Printf("[%s] phase 3: %d POST requests\n", label, len(posts))
	p.runJobs(posts, workers)
	p.revoked()
	p.summary(label)
	return nil
}

func (p *probe) loadUsers(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("users: %w", err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) != 4 {
			return fmt.Errorf("%s:%d: want \"name agency roles password\", got %d fields", path, i+1, len(f))
		}
		u := &user{Name: f[0], Agency: f[1], Roles: strings.Split(f[2], ","), Password: f[3]}
		p.users = append(p.users, u)
		p.byName[u.Name] = u
	}
	if len(p.users) == 0 {
		return errors.New("users: no users")
	}
	return nil
}

// call sends one request with the given auth and returns status, headers+body as text, and body.
func (p *probe) call(method, path string, body any, auth func(*http.Request)) (int, http.Header, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, p.base+path, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != nil {
		auth(req)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	p.count(resp.StatusCode)
	return resp.StatusCode, resp.Header, b, err
}

func (p *probe) count(status int) {
	p.requests.Add(1)
	v, _ := p.byStatus.LoadOrStore(status, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

func bearer(tok string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

func (p *probe) login() error {
	sessions := 0
	for _, u := range p.users {
		st, _, b, err := p.call("POST", "/api/v1/login", map[string]string{"name": u.Name, "password": u.Password, "kind": "token"}, nil)
		if err != nil || st != 200 {
			return fmt.Errorf("login %s: %d %s %v", u.Name, st, b, err)
		}
		var out struct {
			Token string `json:"token"`
			User  struct {
				ID     int64    `json:"id"`
				Agency string   `json:"agency"`
				State  string   `json:"state"`
				Roles  []string `json:"roles"`
			} `json:"user"`
		}
		if err := json.Unmarshal(b, &out); err != nil || out.Token == "" {
			return fmt.Errorf("login %s: no token in %s", u.Name, b)
		}
		u.Token, u.ID, u.State = out.Token, out.User.ID, out.User.State
		if out.User.Agency != u.Agency {
			return fmt.Errorf("login %s: agency %q, want %q", u.Name, out.User.Agency, u.Agency)
		}
		// A few users also get a browser session (cookie + CSRF), used in the mix-ups.
		if sessions < 3 && !u.has("admin") {
			req, _ := http.NewRequest("POST", p.base+"/api/v1/login", strings.NewReader(fmt.Sprintf(`{"name":%q,"password":%q,"kind":"session"}`, u.Name, u.Password)))
			req.Header.Set("Content-Type", "application/json")
			resp, err := p.client.Do(req)
			if err != nil {
				return err
			}
			sb, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			p.count(resp.StatusCode)
			for _, c := range resp.Cookies() {
				if c.Name == "accord_session" {
					u.Cookie = c.Value
				}
			}
			var s struct {
				CSRF string `json:"csrf_token"`
			}
			_ = json.Unmarshal(sb, &s)
			u.CSRF = s.CSRF
			if u.Cookie == "" {
				return fmt.Errorf("session login %s: no cookie (%d %s)", u.Name, resp.StatusCode, sb)
			}
			sessions++
		}
	}
	return nil
}

// ---- seeding ----

var relVariants = []struct {
	tlp  string
	rel  []string // "user:NAME" is replaced by the user's id
	note string
}{
	{"CLEAR", nil, "CLEAR"},
	{"GREEN", nil, "GREEN community"},
	{"GREEN", []string{"state:MEX"}, "GREEN REL MEX"},
	{"GREEN", []string{"state:USA"}, "GREEN REL USA"},
	{"GREEN", []string{"agency:USCG"}, "GREEN REL USCG"},
	{"GREEN", []string{"agency:SEDENA", "agency:DEA"}, "GREEN REL SEDENA,DEA"},
	{"AMBER", nil, "AMBER originator only"},
	{"AMBER", []string{"state:MEX"}, "AMBER REL MEX"},
	{"AMBER", []string{"state:USA"}, "AMBER REL USA"},
	{"AMBER", []string{"agency:SEMAR"}, "AMBER REL SEMAR"},
	{"AMBER", []string{"agency:FGR", "state:USA"}, "AMBER REL FGR,USA"},
	{"AMBER", []string{"agency:CBP"}, "AMBER REL CBP"},
	{"AMBER", []string{"state:MEX", "state:USA"}, "AMBER REL MEX,USA"},
	{"AMBER+STRICT", nil, "AMBER+STRICT"},
	{"RED", nil, "RED no recipient"},
	{"RED", []string{"user:semar_an"}, "RED to semar_an"},
	{"RED", []string{"user:uscg_an", "user:dea_an"}, "RED to uscg_an,dea_an"},
	{"RED", []string{"user:sedena_monan"}, "RED to a monitor+analyst"},
}

// invalidVariants mix the rules; the docs say such markings are rejected on write.
var invalidVariants = []struct {
	tlp string
	rel []string
}{
	{"CLEAR", []string{"state:MEX"}},
	{"RED", []string{"state:USA"}},
	{"AMBER+STRICT", []string{"agency:DEA"}},
	{"GREEN", []string{"user:dea_an"}},
	{"AMBER", []string{"user:dea_an"}},
	{"RED", []string{"agency:SEMAR"}},
	{"PURPLE", nil},
}

var originators = []string{"semar_an", "uscg_an", "fgr_an"}

func (p *probe) relTo(rel []string) []string {
	var out []string
	for _, r := range rel {
		if name, ok := strings.CutPrefix(r, "user:"); ok {
			if u := p.byName[name]; u != nil {
				r = "user:" + strconv.FormatInt(u.ID, 10)
			}
		}
		out = append(out, r)
	}
	return out
}

func (p *probe) newRecord(kind string, n int, fields string) *record {
	r := &record{Kind: kind}
	for _, f := range fields {
		r.Canaries = append(r.Canaries, fmt.Sprintf("cnry%s%d%cz", kind[:1], n, f))
	}
	for _, c := range r.Canaries {
		p.canary[c] = r
	}
	p.recs = append(p.recs, r)
	return r
}

func up(s string) string { return strings.ToUpper(s) }

var kinds = []string{"person", "organisation", "cartel", "vessel", "vehicle", "place", "tunnel"}
var disciplines = []string{"SIGINT", "OSINT", "HUMINT", "LAW_ENFORCEMENT", "IMAGERY", "AIS"}

func (p *probe) seed() error {
	n := 0
	now := time.Now().UTC().Truncate(time.Second)
	entsByOrig := map[string][]int64{}
	// Entities.
	for oi, on := range originators {
		o := p.byName[on]
		for vi, v := range relVariants {
			n++
			r := p.newRecord("entity", n, "abc")
			r.M = markings{Originator: o.Agency, TLP: v.tlp, RelTo: p.relTo(v.rel)}
			r.Note = v.note
			body := map[string]any{
				"kind": kinds[(vi+oi)%len(kinds)], "name": up(r.Canaries[0]) + " Name",
				"aliases":     []string{up(r.Canaries[1])},
				"identifiers": []map[string]string{{"scheme": "PLATE", "value": up(r.Canaries[2])}},
				"location":    map[string]float64{"lat": 20 + float64(vi)*0.1, "lon": -95 + float64(oi)*0.1},
				"markings":    r.M,
			}
			id, err := p.create(o, "/api/v1/entities", body)
			if err != nil {
				return fmt.Errorf("entity %s %s: %w", on, v.note, err)
			}
			r.ID = id
			p.ents[id] = r
			entsByOrig[on] = append(entsByOrig[on], id)
			var got struct {
				STIXID   string   `json:"stix_id"`
				Markings markings `json:"markings"`
			}
			if err := p.getJSON(o, fmt.Sprintf("/api/v1/entities/%d", id), &got); err != nil {
				return fmt.Errorf("entity %d back: %w", id, err)
			}
			p.checkMarkings(r, got.Markings)
			r.STIXID = got.STIXID
			if r.STIXID != "" {
				p.stix[r.STIXID] = r
			}
		}
	}
	// Invalid markings (entities only need to show that they are refused).
	for _, on := range originators[:1] {
		o := p.byName[on]
		for _, v := range invalidVariants {
			body := map[string]any{"kind": "person", "name": "invalid marking probe", "markings": markings{Originator: o.Agency, TLP: v.tlp, RelTo: p.relTo(v.rel)}}
			st, _, b, err := p.call("POST", "/api/v1/entities", body, bearer(o.Token))
			if err != nil {
				return err
			}
			if st == 201 {
				p.accepted = append(p.accepted, fmt.Sprintf("entity %s %v accepted: %s", v.tlp, v.rel, b))
			} else {
				p.rejected++
			}
		}
	}
	// Links: between entities of the same originator (so both ends are readable by the creator),
	// and to the CLEAR entity of the next originator.
	for oi, on := range originators {
		o := p.byName[on]
		own := entsByOrig[on]
		other := entsByOrig[originators[(oi+1)%len(originators)]]
		for vi, v := range relVariants {
			n++
			r := p.newRecord("link", n, "a")
			r.M = markings{Originator: o.Agency, TLP: v.tlp, RelTo: p.relTo(v.rel)}
			r.Note = v.note
			r.Src = own[vi]
			r.Dst = own[(vi+5)%len(own)]
			if vi%4 == 3 {
				r.Dst = other[0] // CLEAR entity of another agency
			}
			body := map[string]any{"source": r.Src, "target": r.Dst, "kind": r.Canaries[0],
				"valid_from": now.Add(-240 * time.Hour).Format(time.RFC3339), "markings": r.M}
			if vi%3 == 2 {
				body["valid_to"] = now.Add(-24 * time.Hour).Format(time.RFC3339) // expired link
			}
			id, err := p.create(o, "/api/v1/links", body)
			if err != nil {
				return fmt.Errorf("link %s %s: %w", on, v.note, err)
			}
			r.ID = id
		}
	}
	// Reports, with an attachment and named entities of several markings.
	for oi, on := range originators {
		o := p.byName[on]
		own := entsByOrig[on]
		for vi, v := range relVariants {
			n++
			r := p.newRecord("report", n, "abcdef")
			r.M = markings{Originator: o.Agency, TLP: v.tlp, RelTo: p.relTo(v.rel)}
			r.Note = v.note
			content := []byte(fmt.Sprintf("attachment %s of report %d, %s\n", up(r.Canaries[4]), n, v.note))
			r.B64 = []string{base64.StdEncoding.EncodeToString(content)}
			r.Entities = []int64{own[vi]}
			for _, e := range []int64{own[13], own[15], own[0]} {
				if !slices.Contains(r.Entities, e) {
					r.Entities = append(r.Entities, e)
				}
			}
			var ents []map[string]any
			for i, e := range r.Entities {
				ents = append(ents, map[string]any{"entity_id": e, "stance": []string{"supports", "mentions", "contradicts", "supports"}[i]})
			}
			body := map[string]any{
				"markings":   r.M,
				"discipline": disciplines[(vi+oi)%len(disciplines)],
				"grade":      fmt.Sprintf("%c%d", 'A'+rune(vi%6), 1+(vi+oi)%6),
				"source":     up(r.Canaries[3]) + " source",
				"observed":   now.Add(-time.Duration(n) * 37 * time.Minute).Format(time.RFC3339),
				"place":      up(r.Canaries[2]) + " Bahía",
				"location":   map[string]float64{"lat": 20 + float64(vi)*0.1, "lon": -95 + float64(oi)*0.1},
				"title":      up(r.Canaries[0]) + " title",
				"text":       "Observed " + up(r.Canaries[1]) + " near the coast. ' OR 1=1 -- \" NEAR( * ",
				"attachments": []map[string]string{{"name": up(r.Canaries[5]) + ".txt", "media_type": "text/plain",
					"content_base64": r.B64[0]}},
				"entities": ents,
			}
			id, err := p.create(o, "/api/v1/reports", body)
			if err != nil {
				return fmt.Errorf("report %s %s: %w", on, v.note, err)
			}
			obs, _ := time.Parse(time.RFC3339, body["observed"].(string))
			r.Cell = fmt.Sprintf("%s %s %s %s", obs.UTC().Format("2006-01"), o.State, body["discipline"], v.tlp)
			r.ID = id
			p.reports[id] = r
			var got struct {
				STIXID      string   `json:"stix_id"`
				Markings    markings `json:"markings"`
				Attachments []struct {
					SHA string `json:"sha256"`
				} `json:"attachments"`
			}
			if err := p.getJSON(o, fmt.Sprintf("/api/v1/reports/%d", id), &got); err != nil {
				return fmt.Errorf("report %d back: %w", id, err)
			}
			p.checkMarkings(r, got.Markings)
			r.STIXID = got.STIXID
			if r.STIXID != "" {
				p.stix[r.STIXID] = r
			}
			for _, a := range got.Attachments {
				r.SHA = append(r.SHA, a.SHA)
				p.sha[a.SHA] = r
			}
		}
	}
	p.seedOperations(&n, now)
	return p.seedAlertsAndCases()
}

// seedAlertsAndCases learns the alerts the detectors raised on the simulated feeds (their
// marking is the feed's: docs/detect.md "Access"), then has each watch officer open a case from
// every alert the oracle says the officer reads.
func (p *probe) seedAlertsAndCases() error {
	if p.alertFeeds == "" {
		return nil
	}
	for _, f := range strings.Split(p.alertFeeds, ",") {
		file, mark, ok := strings.Cut(f, "=")
		orig, tlp, ok2 := strings.Cut(mark, "/")
		if !ok || !ok2 {
			return fmt.Errorf("-alert-feeds: want TRUTH=ORIGINATOR/TLP, got %q", f)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("-alert-feeds: %w", err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			var t struct {
				MMSI []int64 `json:"mmsi"`
			}
			if json.Unmarshal([]byte(line), &t) == nil {
				for _, m := range t.MMSI {
					p.mmsiFeed[m] = markings{Originator: orig, TLP: tlp}
				}
			}
		}
	}
	// The feeds are files read at start; wait until the alerts the originators see stop changing.
	window := "/api/v1/alerts?limit=10000&from=" + url.QueryEscape(time.Now().UTC().Add(-72*time.Hour).Format(time.RFC3339)) +
		"&to=" + url.QueryEscape(time.Now().UTC().Add(24*time.Hour).Format(time.RFC3339))
	type alert struct {
		ID   string  `json:"id"`
		MMSI []int64 `json:"mmsi"`
		Open bool    `json:"open"`
	}
	all := map[string]alert{}
	last, stable := -1, 0
	for i := 0; i < 90 && stable < 4; i++ {
		for _, on := range originators {
			var as []alert
			if err := p.getJSON(p.byName[on], window, &as); err != nil {
				p.findings = append(p.findings, "alerts: "+err.Error())
				return nil
			}
			for _, a := range as {
				all[a.ID] = a
			}
		}
		if len(all) == last && i >= 5 {
			stable++
		} else {
			stable = 0
		}
		last = len(all)
		time.Sleep(time.Second)
	}
	unknown := 0
	for _, a := range all {
		var m *markings
		for _, v := range a.MMSI {
			if fm, ok := p.mmsiFeed[v]; ok {
				if m != nil && (m.Originator != fm.Originator || m.TLP != fm.TLP) {
					m = nil // vessels of two feeds: the marking is not predicted
					break
				}
				m = &fm
			}
		}
		if m == nil {
			unknown++
			continue
		}
		r := &record{Kind: "alert", OpID: a.ID, M: *m, Note: fmt.Sprintf("alert %s of vessels %v", a.ID, a.MMSI)}
		p.recs = append(p.recs, r)
		p.ids[a.ID] = r
	}
	if unknown > 0 {
		p.findings = append(p.findings, fmt.Sprintf("%d alert(s) involve vessels of no single simulated feed: left out of the oracle", unknown))
	}
	// Cases: every watch officer opens one from each alert it reads.
	for _, on := range originators {
		o := p.byName[on]
		for _, a := range p.recs {
			if a.Kind != "alert" || !p.canRead(o, a) {
				continue
			}
			st, _, b, err := p.call("POST", "/api/v1/cases", map[string]string{"alert_id": a.OpID}, bearer(o.Token))
			if err != nil {
				return err
			}
			if st != 201 && st != 200 {
				p.caseRefusals[fmt.Sprintf("%d %s", st, errCode(b))]++
				continue
			}
			var c struct {
				ID       string   `json:"id"`
				Markings markings `json:"markings"`
			}
			if err := json.Unmarshal(b, &c); err != nil || c.ID == "" {
				return fmt.Errorf("case answer: %s", trunc(b, 200))
			}
			if p.ids[c.ID] != nil {
				continue
			}
			r := &record{Kind: "case", OpID: c.ID, M: c.Markings, Note: fmt.Sprintf("case %s from alert %s opened by %s", c.ID, a.OpID, on)}
			p.recs = append(p.recs, r)
			p.ids[c.ID] = r
		}
	}
	return nil
}

func errCode(b []byte) string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(b, &e)
	return e.Error.Code
}

// seedOperations proposes a few operations when the jurisdiction engine answers (it decides
// them); without it the routes answer 503 and operations are left out of the run.
func (p *probe) seedOperations(n *int, now time.Time) {
	ready := false
	for i := 0; i < 90; i++ {
		st, _, _, err := p.call("GET", "/api/v1/where?lat=19.2&lon=-96.1", nil, bearer(p.users[0].Token))
		if err == nil && st == 200 {
			ready = true
			break
		}
		time.Sleep(time.Second)
	}
	if !ready {
		p.findings = append(p.findings, "operations not seeded: the jurisdiction engine did not answer within 90 s")
		return
	}
	type opv struct {
		by, typ, tlp string
		rel          []string
		lat, lon     float64
		parts        []map[string]any
	}
	semar := map[string]any{"state": "MEX", "agency": "SEMAR", "kind": "officer", "count": 10, "armed": true, "role": "lead"}
	uscg := map[string]any{"state": "USA", "agency": "USCG", "kind": "officer", "count": 4, "armed": false, "role": "lead"}
	vs := []opv{
		{"semar_an", "surveillance", "AMBER", nil, 19.2, -96.1, []map[string]any{semar}},
		{"semar_an", "surveillance", "GREEN", nil, 21.0, -97.3, []map[string]any{semar}},
		{"uscg_an", "surveillance", "AMBER", nil, 29.0, -89.5, []map[string]any{uscg}},
		{"uscg_an", "surveillance", "AMBER", []string{"MEX"}, 29.2, -89.7, []map[string]any{uscg}},
		{"semar_an", "joint_patrol", "AMBER", nil, 24.5, -107.5, []map[string]any{semar, uscg}},
		{"fgr_an", "surveillance", "AMBER", nil, 19.4, -99.1, []map[string]any{{"state": "MEX", "agency": "FGR", "kind": "agent", "count": 2, "armed": false, "role": "lead"}}},
	}
	for _, v := range vs {
		*n++
		r := p.newRecord("operation", *n, "a")
		o := p.byName[v.by]
		body := map[string]any{"type": v.typ, "location": map[string]float64{"lat": v.lat, "lon": v.lon},
			"start": now.Add(48 * time.Hour).Format(time.RFC3339), "end": now.Add(60 * time.Hour).Format(time.RFC3339),
			"force_level": 2, "legal_basis": up(r.Canaries[0]) + " memorandum", "participants": v.parts, "tlp": v.tlp}
		if v.rel != nil {
			body["rel_to"] = v.rel
		}
		st, _, b, err := p.call("POST", "/api/v1/operations", body, bearer(o.Token))
		if err != nil || st != 201 {
			p.findings = append(p.findings, fmt.Sprintf("operation by %s not created: %d %s", v.by, st, trunc(b, 300)))
			r.Kind = "dead"
			continue
		}
		var got struct {
			ID       string   `json:"id"`
			Markings markings `json:"markings"`
			Consents []struct {
				ID string `json:"id"`
			} `json:"consent_requests"`
		}
		if err := json.Unmarshal(b, &got); err != nil {
			p.findings = append(p.findings, "operation answer: "+err.Error())
			r.Kind = "dead"
			continue
		}
		r.OpID, r.M = got.ID, got.Markings
		for _, s := range got.Markings.RelTo {
			r.Audience = append(r.Audience, strings.TrimPrefix(s, "state:"))
		}
		for _, c := range got.Consents {
			r.Consents = append(r.Consents, c.ID)
		}
		r.Note = fmt.Sprintf("%s %s by %s audience %v", v.typ, v.tlp, o.Agency, r.Audience)
		p.ops[r.OpID] = r
	}
}

func (p *probe) checkMarkings(r *record, got markings) {
	a, b := slices.Clone(r.M.RelTo), slices.Clone(got.RelTo)
	sort.Strings(a)
	sort.Strings(b)
	if got.Originator != r.M.Originator || got.TLP != r.M.TLP || !slices.Equal(a, b) {
		p.findings = append(p.findings, fmt.Sprintf("%s %d stored with markings %+v, sent %+v (the stored ones are used)", r.Kind, r.ID, got, r.M))
		r.M = got
	}
}

func (p *probe) create(u *user, path string, body any) (int64, error) {
	st, _, b, err := p.call("POST", path, body, bearer(u.Token))
	if err != nil {
		return 0, err
	}
	if st != 201 {
		return 0, fmt.Errorf("POST %s: %d %s", path, st, trunc(b, 400))
	}
	var out struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out.ID == 0 {
		return 0, fmt.Errorf("POST %s: no id in %s", path, b)
	}
	return out.ID, nil
}

func (p *probe) getJSON(u *user, path string, v any) error {
	st, _, b, err := p.call("GET", path, nil, bearer(u.Token))
	if err != nil {
		return err
	}
	if st != 200 {
		return fmt.Errorf("GET %s: %d %s", path, st, trunc(b, 300))
	}
	return json.Unmarshal(b, v)
}

func trunc(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// ---- oracle (docs/sovereignty.md "Releasability rules", docs/operations.md "Who sees what") ----

// strictVessels counts vessels of non-releasable feeds as leaks.
var strictVessels bool

// mutate makes the oracle deliberately wrong (self-test of the probe): the server's correct
// answers must then show up as leaks.
var mutate string

// reach says whether the markings release a record to the user's agency/state/(id), before
// the role rule: withUser false gives a monitor's reach (no user: key).
func reach(u *user, m markings, withUser bool) bool {
	if m.Originator == u.Agency {
		return true // rule 2
	}
	listed := func() bool {
		for _, r := range m.RelTo {
			if r == "state:"+u.State || r == "agency:"+u.Agency {
				return true
			}
		}
		return false
	}
	switch m.TLP {
	case "CLEAR":
		return true
	case "GREEN":
		return len(m.RelTo) == 0 || listed()
	case "AMBER":
		if mutate == "amber" {
			for _, r := range m.RelTo {
				if r == "agency:"+u.Agency {
					return true
				}
			}
			return false
		}
		return listed()
	case "AMBER+STRICT":
		return false
	case "RED":
		if mutate == "red" {
			return false
		}
		return withUser && slices.Contains(m.RelTo, "user:"+strconv.FormatInt(u.ID, 10))
	}
	return false
}

// canRead is the oracle: may the user receive this record's content (its canaries)?
func (p *probe) canRead(u *user, r *record) bool {
	if u.monitor() {
		return false // rule 1: monitors read no record in full
	}
	switch r.Kind {
	case "operation":
		return r.M.Originator == u.Agency || slices.Contains(r.Audience, u.State)
	case "link":
		return reach(u, r.M, true) && p.canReadEnt(u, r.Src) && p.canReadEnt(u, r.Dst)
	}
	return reach(u, r.M, true)
}

func (p *probe) canReadEnt(u *user, id int64) bool {
	e := p.ents[id]
	return e != nil && p.canRead(u, e)
}

// ---- jobs ----

type job struct {
	u      *user  // whose identity the request carries (nil: anonymous)
	also   *user  // a second identity in the same request (mix-ups): the union is allowed
	method string // GET by default
	path   string // raw request target
	raw    bool   // send the request target byte for byte over TCP
	body   any    // JSON body
	hdr    [][2]string
	noAuth bool
	cookie bool // authenticate with u's session cookie instead of its token
	check  func(st int, body []byte)
}

func (p *probe) runJobs(jobs []job, workers int) {
	ch := make(chan job)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				p.do(j)
			}
		}()
	}
	// Interleave users so that concurrent requests come from different identities.
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
}

func (p *probe) do(j job) {
	method := j.method
	if method == "" {
		method = "GET"
	}
	var hdr [][2]string
	if !j.noAuth && j.u != nil {
		if j.cookie {
			hdr = append(hdr, [2]string{"Cookie", "accord_session=" + j.u.Cookie})
			if method != "GET" && method != "HEAD" {
				hdr = append(hdr, [2]string{"X-CSRF-Token", j.u.CSRF})
			}
		} else {
			hdr = append(hdr, [2]string{"Authorization", "Bearer " + j.u.Token})
		}
	}
	hdr = append(hdr, j.hdr...)
	var bodyBytes []byte
	if j.body != nil {
		bodyBytes, _ = json.Marshal(j.body)
		hdr = append(hdr, [2]string{"Content-Type", "application/json"})
	}
	var (
		st   int
		head http.Header
		body []byte
		err  error
	)
	if j.raw {
		st, head, body, err = p.rawDo(method, j.path, hdr, bodyBytes)
	} else {
		var rd io.Reader
		if bodyBytes != nil {
			rd = bytes.NewReader(bodyBytes)
		}
		req, e := http.NewRequest(method, p.base+j.path, rd)
		if e != nil {
			err = e
		} else {
			for _, h := range hdr {
				req.Header.Add(h[0], h[1])
			}
			resp, e := p.client.Do(req)
			if e != nil {
				err = e
			} else {
				body, _ = io.ReadAll(resp.Body)
				resp.Body.Close()
				st, head = resp.StatusCode, resp.Header
			}
		}
	}
	if err != nil {
		p.mu.Lock()
		p.findings = append(p.findings, fmt.Sprintf("transport error %s %s: %v", method, j.path, err))
		p.mu.Unlock()
		return
	}
	p.count(st)
	if st >= 500 && st != 503 {
		p.mu.Lock()
		p.errors5xx[fmt.Sprintf("%d %s %s: %s", st, method, j.path, trunc(body, 160))]++
		p.mu.Unlock()
	}
	var hb strings.Builder
	for k, vs := range head {
		for _, v := range vs {
			fmt.Fprintf(&hb, "%s: %s\n", k, v)
		}
	}
	reqText := strings.ToLower(j.path + " " + string(bodyBytes))
	p.scan(j, method, reqText, hb.String()+"\n"+string(body), st)
	if st == 200 && j.u != nil && !j.noAuth && j.also == nil {
		p.structural(j.u, j.path, body)
	}
	if j.check != nil {
		j.check(st, body)
	}
}

// rawDo sends the request target exactly as given, over one TCP connection.
func (p *probe) rawDo(method, target string, hdr [][2]string, body []byte) (int, http.Header, []byte, error) {
	u, _ := url.Parse(p.base)
	c, err := net.DialTimeout("tcp", u.Host, 10*time.Second)
	if err != nil {
		return 0, nil, nil, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", method, target, u.Host)
	for _, h := range hdr {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	if body != nil {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	if _, err := io.WriteString(c, b.String()); err != nil {
		return 0, nil, nil, err
	}
	if body != nil {
		if _, err := c.Write(body); err != nil {
			return 0, nil, nil, err
		}
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, rb, nil
}

// scan looks for every canary, STIX id and attachment hash in the answer (and in base64 found
// in it) and checks each against the oracle for the identity the request carried.
func (p *probe) scan(j job, method, reqText, text string, st int) {
	lower := strings.ToLower(text)
	allowed := func(r *record) bool {
		if j.u == nil || j.noAuth {
			return false
		}
		if p.canRead(j.u, r) {
			return true
		}
		return j.also != nil && p.canRead(j.also, r)
	}
	who := "anonymous"
	if j.u != nil && !j.noAuth {
		who = j.u.Name
		if j.also != nil {
			who += "+" + j.also.Name
		}
	}
	hit := func(tok string, r *record, how string) {
		if strings.Contains(reqText, tok) {
			return // the request's own words echoed back
		}
		if how == "stix-id" && j.u != nil {
			p.mu.Lock()
			own := p.stixShared[tok][j.u.Agency] && (j.also == nil || p.stixShared[tok][j.also.Agency])
			p.mu.Unlock()
			if own {
				return // the id also names a record of the identity's own agency (reuse probe)
			}
		}
		if allowed(r) {
			if j.u != nil && !j.noAuth {
				p.mu.Lock()
				if p.seen[j.u.Name] == nil {
					p.seen[j.u.Name] = map[*record]bool{}
				}
				p.seen[j.u.Name][r] = true
				p.mu.Unlock()
			}
			return
		}
		msg := fmt.Sprintf("LEAK %s: user %s (%s) got %s %q of %s %d%s [%s/%s REL TO %v: %s] via %s %s (status %d)",
			how, who, p.userDesc(j.u), kindOf(how), tok, r.Kind, r.ID, r.OpID, r.M.Originator, r.M.TLP, r.M.RelTo, r.Note, method, j.path, st)
		p.mu.Lock()
		if how == "canary" || how == "canary-in-base64" || ((how == "alert-id" || how == "case-id") && !strings.HasPrefix(j.path, "/api/v1/ledger/")) {
			p.leakCount++
			p.leaks = append(p.leaks, msg)
		} else {
			p.idLeaks = append(p.idLeaks, msg)
		}
		p.mu.Unlock()
	}
	for _, tok := range uniq(reCanary.FindAllString(lower, -1)) {
		if r := p.canary[tok]; r != nil {
			hit(tok, r, "canary")
		}
	}
	for _, s := range uniq(reB64.FindAllString(text, -1)) {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			d, err := enc.DecodeString(s)
			if err != nil {
				continue
			}
			for _, tok := range uniq(reCanary.FindAllString(strings.ToLower(string(d)), -1)) {
				if r := p.canary[tok]; r != nil {
					hit(tok, r, "canary-in-base64")
				}
			}
			break
		}
	}
	for _, id := range uniq(reSTIX.FindAllString(lower, -1)) {
		if r := p.stix[id]; r != nil {
			hit(id, r, "stix-id")
		}
	}
	for _, id := range uniq(reID.FindAllString(lower, -1)) {
		if r := p.ids[id]; r != nil {
			hit(id, r, r.Kind+"-id")
		}
	}
	for _, h := range uniq(reHex.FindAllString(lower, -1)) {
		if r := p.sha[h]; r != nil {
			hit(h, r, "attachment-hash")
		}
	}
}

func kindOf(how string) string {
	switch how {
	case "stix-id":
		return "STIX id"
	case "attachment-hash":
		return "attachment SHA-256"
	case "alert-id", "case-id":
		return "id"
	}
	return "canary"
}

func (p *probe) userDesc(u *user) string {
	if u == nil {
		return "-"
	}
	return fmt.Sprintf("id %d %s/%s %s", u.ID, u.Agency, u.State, strings.Join(u.Roles, ","))
}

func uniq(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// structural checks what canaries cannot show: the ids of named entities and link ends in
// answers, and the fields of the monitors' redacted list.
func (p *probe) structural(u *user, path string, body []byte) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return
	}
	isReports := strings.HasPrefix(path, "/api/v1/reports")
	var walk func(x any, key string)
	walk = func(x any, key string) {
		switch t := x.(type) {
		case map[string]any:
			if id, ok := t["entity_id"].(float64); ok && key == "entities" {
				if e := p.ents[int64(id)]; e != nil && !p.canRead(u, e) {
					p.idLeak(u, path, fmt.Sprintf("mention of entity %d [%s/%s %v: %s]", int64(id), e.M.Originator, e.M.TLP, e.M.RelTo, e.Note))
				}
			}
			if key == "links" {
				for _, end := range []string{"source", "target"} {
					if id, ok := t[end].(float64); ok {
						if e := p.ents[int64(id)]; e != nil && !p.canRead(u, e) {
							p.idLeak(u, path, fmt.Sprintf("link %v %s entity %d unreadable [%s/%s %v]", t["id"], end, int64(id), e.M.Originator, e.M.TLP, e.M.RelTo))
						}
					}
				}
			}
			if key == "reports" && isReports {
				if id, ok := t["id"].(float64); ok {
					r := p.reports[int64(id)]
					if r != nil {
						if u.monitor() {
							if !reach(u, r.M, false) {
								p.idLeak(u, path, fmt.Sprintf("redacted row of report %d outside the agency's reach [%s/%s %v]", r.ID, r.M.Originator, r.M.TLP, r.M.RelTo))
							}
							for k := range t {
								if !slices.Contains([]string{"id", "observed", "originator", "tlp", "discipline", "grade", "place_state"}, k) {
									p.idLeak(u, path, fmt.Sprintf("redacted row of report %d carries field %q", r.ID, k))
								}
							}
						} else if !p.canRead(u, r) {
							p.idLeak(u, path, fmt.Sprintf("row of report %d not releasable [%s/%s %v]", r.ID, r.M.Originator, r.M.TLP, r.M.RelTo))
						}
					}
				}
			}
			for k, c := range t {
				walk(c, k)
			}
		case []any:
			for _, c := range t {
				walk(c, key)
			}
		}
	}
	walk(v, "")
}

func (p *probe) idLeak(u *user, path, what string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.leakCount++
	p.leaks = append(p.leaks, fmt.Sprintf("LEAK structure: user %s (%s) via GET %s: %s", u.Name, p.userDesc(u), path, what))
}

// ---- phase 1: the obvious lists ----

func (p *probe) pageLists() {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for _, u := range p.users {
		wg.Add(1)
		go func(u *user) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ids := map[int64]bool{}
			cur := ""
			for page := 0; page < 200; page++ {
				path := "/api/v1/reports?limit=7"
				if cur != "" {
					path += "&before=" + url.QueryEscape(cur)
				}
				var out struct {
					Reports []struct {
						ID int64 `json:"id"`
					} `json:"reports"`
					Next string `json:"next"`
				}
				var b []byte
				p.do(job{u: u, path: path, check: func(st int, body []byte) { b = body }})
				if json.Unmarshal(b, &out) != nil {
					break
				}
				for _, r := range out.Reports {
					ids[r.ID] = true
				}
				if out.Next == "" {
					break
				}
				p.mu.Lock()
				p.cursors = append(p.cursors, out.Next)
				p.mu.Unlock()
				cur = out.Next
			}
			ents := map[int64]bool{}
			p.do(job{u: u, path: "/api/v1/entities?limit=1000", check: func(st int, body []byte) {
				var out struct {
					Entities []struct {
						ID int64 `json:"id"`
					} `json:"entities"`
				}
				if json.Unmarshal(body, &out) == nil {
					for _, e := range out.Entities {
						ents[e.ID] = true
					}
				}
			}})
			p.do(job{u: u, path: "/api/v1/aggregates?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z", check: func(st int, body []byte) { p.checkAggregates(u, st, body) }})
			p.mu.Lock()
			p.listSeen[u.Name] = ids
			p.entSeen[u.Name] = ents
			p.mu.Unlock()
		}(u)
	}
	wg.Wait()
}

// checkAggregates compares the counts with the oracle: docs/sovereignty.md says they are
// limited to what the user's agency could read (RED only when the agency originated it).
func (p *probe) checkAggregates(u *user, st int, body []byte) {
	if st != 200 {
		p.mu.Lock()
		p.findings = append(p.findings, fmt.Sprintf("aggregates for %s answered %d", u.Name, st))
		p.mu.Unlock()
		return
	}
	var out struct {
		Rows []struct {
			Month, State, Discipline, TLP string
			Count                         int
		} `json:"rows"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		p.mu.Lock()
		p.findings = append(p.findings, "aggregates: "+err.Error())
		p.mu.Unlock()
		return
	}
	want := map[string]int{}
	for _, r := range p.reports {
		if reach(u, r.M, false) {
			want[r.Cell]++
		}
	}
	got := map[string]int{}
	for _, r := range out.Rows {
		got[fmt.Sprintf("%s %s %s %s", r.Month, r.State, r.Discipline, r.TLP)] += r.Count
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.aggChecked++
	for k, n := range got {
		if n > want[k] {
			p.leakCount++
			p.leaks = append(p.leaks, fmt.Sprintf("LEAK aggregates: user %s (%s) counted %d in cell %q, the agency's reach holds %d", u.Name, p.userDesc(u), n, k, want[k]))
		}
	}
	for k, n := range want {
		if got[k] < n {
			p.findings = append(p.findings, fmt.Sprintf("aggregates for %s: cell %q counts %d, the agency's reach holds %d", u.Name, k, got[k], n))
		}
	}
}

// ---- phase 2: the attack ----

func (p *probe) maxIDs() (maxRep, maxEnt int64) {
	for id := range p.reports {
		maxRep = max(maxRep, id)
	}
	for id := range p.ents {
		maxEnt = max(maxEnt, id)
	}
	return
}

func (p *probe) attacks(u *user) []job {
	var js []job
	add := func(path string) { js = append(js, job{u: u, path: path}) }
	addRaw := func(method, path string, hdr ...[2]string) {
		js = append(js, job{u: u, method: method, path: path, raw: true, hdr: hdr})
	}
	maxRep, maxEnt := p.maxIDs()
	now := time.Now().UTC()
	// exist sends a GET whose answer, for a record hidden from the user, must be the same as for
	// a record that does not exist (docs/api.md: 404 "exactly like a record that does not exist").
	exist := func(path, class, kind string) {
		js = append(js, job{u: u, path: path, check: func(st int, b []byte) {
			if kind == "" {
				return
			}
			p.mu.Lock()
			defer p.mu.Unlock()
			k := u.Name + "|" + class
			if p.existAnswers[k] == nil {
				p.existAnswers[k] = map[string][]string{}
			}
			a := fmt.Sprintf("%d %s", st, bytes.TrimSpace(b))
			p.existAnswers[k][a] = append(p.existAnswers[k][a], kind+" "+path)
		}})
	}
	exist("/api/v1/alerts/0123456789abcdef", "alert", "missing")
	exist("/api/v1/cases/case-0123456789abcdef", "case", "missing")
	exist("/api/v1/operations/op-0123456789ab", "operation", "missing")
	day := func(d int) string {
		return url.QueryEscape(now.Add(time.Duration(d) * 24 * time.Hour).Format(time.RFC3339))
	}

	add("/api/v1/me")
	// Report lists with filters, spellings and limits.
	tlps := []string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED", "amber", "Amber", "red", "amber+strict", "AMBER%2BSTRICT", "AMBER%20STRICT", "AMBER_STRICT", "AMBER-STRICT", "WHITE", "*", "%25", "RED%00", "GREEN,RED", " RED"}
	for _, t := range tlps {
		t2 := t
		if t == "AMBER+STRICT" || t == "amber+strict" {
			t2 = strings.ReplaceAll(t, "+", "%2B")
			add("/api/v1/reports?tlp=" + t) // a raw '+' reads as a space
		}
		add("/api/v1/reports?limit=1000&tlp=" + t2)
		add("/api/v1/reports/search?q=cnry&tlp=" + t2)
		add("/api/v1/export.stix?tlp=" + t2)
	}
	for _, d := range append(disciplines, "humint", "Sigint", "ALL", "") {
		add("/api/v1/reports?limit=1000&discipline=" + d)
		add("/api/v1/export.stix?discipline=" + d)
	}
	for _, a := range []string{"SEMAR", "USCG", "FGR", "DEA", "semar", "Semar", "MEX", "USA", "SEMAR,USCG", "%2A", "SEMAR%27%20OR%20%271%27%3D%271"} {
		add("/api/v1/reports?limit=1000&originator=" + a)
	}
	add("/api/v1/reports?tlp=RED&tlp=CLEAR&limit=1000")
	add("/api/v1/reports?tlp=CLEAR&tlp=RED&limit=1000")
	add("/api/v1/reports?originator=SEMAR&originator=USCG&originator=FGR&limit=1000")
	add("/api/v1/reports?discipline=HUMINT&discipline=SIGINT&limit=1000")
	add("/api/v1/reports?limit=1000&limit=1")
	for _, l := range []string{"0", "-1", "1", "1000", "1001", "99999999999", "-99999999999", "1e3", "abc", "1.5", "", "%00", "0x10"} {
		add("/api/v1/reports?limit=" + l)
		add("/api/v1/reports/map?bbox=-180,-90,180,90&limit=" + l)
		add("/api/v1/entities?limit=" + l)
	}
	for _, w := range [][2]int{{-30, 1}, {-1, 1}, {-3650, 3650}, {1, -1}, {-2, 0}} {
		add(fmt.Sprintf("/api/v1/reports?limit=1000&from=%s&to=%s", day(w[0]), day(w[1])))
		add(fmt.Sprintf("/api/v1/export.stix?from=%s&to=%s", day(w[0]), day(w[1])))
		add(fmt.Sprintf("/api/v1/aggregates?from=%s&to=%s", day(w[0]), day(w[1])))
	}
	add("/api/v1/reports?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z&limit=1000")
	add("/api/v1/aggregates")
	add("/api/v1/export.stix")
	for _, bb := range []string{"-180,-90,180,90", "-96,19,-94,23", "-95.05,19.95,-94.95,20.05", "170,-90,-170,90", "-94.85,21.5,-94.75,22", "-180,-90,180,90,1", "x", "-95,20,-95,20"} {
		add("/api/v1/reports?limit=1000&bbox=" + bb)
		add("/api/v1/reports/map?bbox=" + bb)
		add("/api/v1/alerts?bbox=" + bb)
	}
	add("/api/v1/reports/map")
	// Search: every title/text canary (hidden ones too), substrings, query syntax.
	for _, r := range p.recs {
		switch r.Kind {
		case "report":
			add("/api/v1/reports/search?q=" + up(r.Canaries[0]))
			add("/api/v1/reports/search?limit=1000&q=" + r.Canaries[1])
			add("/api/v1/reports/search?q=" + up(r.Canaries[2]))
		case "entity":
			add("/api/v1/entities?q=" + up(r.Canaries[0]))
			add("/api/v1/entities?q=" + r.Canaries[1])
			add("/api/v1/entities?scheme=PLATE&value=" + up(r.Canaries[2]))
		}
	}
	for _, q := range []string{"cnry", "CNRYR", "CNRYR*", "%22CNRYR%22", "*", "%25", "_", "%27%20OR%20%271%27%3D%271", "%22%20OR%20%22%22%3D%22", "NEAR(CNRYR1AZ%20CNRYR2AZ)", "title%3ACNRYR", "CNRYR1AZ%20OR%20CNRYE1AZ", "%5C", "a%00b", "Bah%C3%ADa", "bahia", "title", "source", "coast", "OR", "1%3D1", strings.Repeat("A", 201), "%2A%3A%2A", "%7C%7C", "%3B--"} {
		add("/api/v1/reports/search?limit=1000&q=" + q)
		add("/api/v1/entities?limit=1000&q=" + q)
	}
	add("/api/v1/reports/search?q=title&tlp=RED")
	add("/api/v1/reports/search?q=title&tlp=AMBER%2BSTRICT&discipline=HUMINT")
	add("/api/v1/reports/search?q=cnry&q=title")
	add("/api/v1/reports/search")
	for _, k := range append(kinds, "PERSON", "alien") {
		add("/api/v1/entities?limit=1000&kind=" + k)
	}
	for _, s := range []string{"PLATE", "plate", "CURP", "MMSI"} {
		add("/api/v1/entities?scheme=" + s + "&value=%25")
		add("/api/v1/entities?scheme=" + s + "&value=CNRY")
	}
	// Every id, hidden or not, and a margin past the last one.
	for id := int64(1); id <= maxRep+5; id++ {
		exist(fmt.Sprintf("/api/v1/reports/%d", id), "report", p.hiddenOrMissing(u, p.reports[id]))
		add(fmt.Sprintf("/api/v1/reports?limit=1000&entity=%d", id%(maxEnt+3)+1))
	}
	for id := int64(1); id <= maxEnt+5; id++ {
		exist(fmt.Sprintf("/api/v1/entities/%d", id), "entity", p.hiddenOrMissing(u, p.ents[id]))
		exist(fmt.Sprintf("/api/v1/entities/%d/links?limit=1000", id), "entity links", p.hiddenOrMissing(u, p.ents[id]))
		add(fmt.Sprintf("/api/v1/entities/%d/links?at=%s", id, day(-5)))
		add(fmt.Sprintf("/api/v1/corroboration?entity=%d&lat=20.5&lon=-95&radius_nm=600&from=%s&to=%s&half_life=10000h", id, day(-30), day(1)))
	}
	for _, s := range []string{"0", "-1", "01", "1.0", "1e0", "0x1", "99999999999999999999", "1%20", "%31", "1;", "1'"} {
		add("/api/v1/reports/" + s)
		add("/api/v1/entities/" + s)
		add("/api/v1/corroboration?entity=" + s)
	}
	add("/api/v1/corroboration?entity=1&entity=2&radius_nm=100000&lat=20&lon=-95")
	add("/api/v1/corroboration?entity=1&radius_nm=-5")
	// Attachments: each report's own hash, and every hash under report 1 and the last id.
	var anyID int64 = 1
	for _, r := range p.reports {
		for _, h := range r.SHA {
			add(fmt.Sprintf("/api/v1/reports/%d/attachments/%s", r.ID, h))
			add(fmt.Sprintf("/api/v1/reports/%d/attachments/%s", anyID, h))
			add(fmt.Sprintf("/api/v1/reports/%d/attachments/%s", maxRep, strings.ToUpper(h)))
		}
	}
	// Cursors: others' and tampered.
	p.mu.Lock()
	curs := slices.Clone(p.cursors)
	p.mu.Unlock()
	for i, c := range curs {
		if i%3 != 0 {
			continue // a third of them is enough per user
		}
		for _, t := range tamper(c) {
			add("/api/v1/reports?limit=1000&before=" + url.QueryEscape(t))
			add("/api/v1/reports?tlp=RED&before=" + url.QueryEscape(t))
		}
	}
	// Operations, consents, liaison, picture routes, oversight.
	add("/api/v1/operations")
	add("/api/v1/operations?limit=1000")
	add("/api/v1/operations?type=surveillance")
	add("/api/v1/operations?type=joint_patrol")
	add("/api/v1/consents?status=all")
	add("/api/v1/consents")
	add("/api/v1/liaison")
	add("/api/v1/liaison?overdue=1")
	for _, r := range p.ops {
		exist("/api/v1/operations/"+r.OpID, "operation", p.hiddenOrMissing(u, r))
		add("/api/v1/operations/" + strings.ToUpper(r.OpID))
		for _, c := range r.Consents {
			add("/api/v1/consents/" + c)
		}
	}
	for _, x := range []string{"/api/v1/alerts", "/api/v1/alerts?limit=10000", "/api/v1/cases", "/api/v1/cases?limit=1000", "/api/v1/feeds", "/api/v1/oversight",
		"/api/v1/vessels", "/metrics", "/api/v1/ledger/checkpoint", "/api/openapi.yaml", "/", "/healthz", "/readyz", "/api/v1/alerts/1", "/api/v1/cases/case-1", "/api/v1/operations/op-1"} {
		add(x)
	}
	// Alerts and cases: lists with filters, every id, the vessels of every feed.
	wide := fmt.Sprintf("from=%s&to=%s", day(-3), day(1))
	add("/api/v1/alerts?limit=10000&" + wide)
	for _, k := range []string{"gap", "encounter", "loitering", "zone_entry", "speed", "identity", "SPEED", "x"} {
		add("/api/v1/alerts?limit=10000&kind=" + k + "&" + wide)
	}
	for _, bb := range []string{"-180,-90,180,90", "-125,0,-55,35", "170,-90,-170,90"} {
		add("/api/v1/alerts?limit=10000&bbox=" + bb + "&" + wide)
	}
	mmsis := []int64{}
	for m := range p.mmsiFeed {
		mmsis = append(mmsis, m)
	}
	slices.Sort(mmsis)
	for _, m := range mmsis {
		add(fmt.Sprintf("/api/v1/alerts?limit=10000&mmsi=%d&%s", m, wide))
	}
	for _, a := range []string{"", "SEMAR", "USCG", "semar", "SEMAR&authority=USCG"} {
		add("/api/v1/cases?limit=1000&authority=" + a)
	}
	for id, r := range p.ids {
		if r.Kind == "alert" {
			exist("/api/v1/alerts/"+id, "alert", p.hiddenOrMissing(u, r))
			add("/api/v1/alerts/" + strings.ToUpper(id))
			add("/api/v1/alerts/" + id + "/")
		} else {
			exist("/api/v1/cases/"+id, "case", p.hiddenOrMissing(u, r))
			add("/api/v1/cases/" + strings.ToUpper(id))
		}
	}
	if len(mmsis) > 0 {
		js = append(js, job{u: u, path: "/api/v1/vessels?limit=50000", check: func(st int, b []byte) { p.checkVessels(u, b) }})
	}
	// Path tricks, methods and content negotiation, sent byte for byte.
	some := []int64{}
	for id := int64(1); id <= maxRep; id += 7 {
		some = append(some, id)
	}
	for _, id := range some {
		s := strconv.FormatInt(id, 10)
		for _, t := range []string{"//api/v1/reports/" + s, "/api/v1//reports/" + s, "/api/v1/reports/" + s + "/", "/API/V1/REPORTS/" + s,
			"/api/v1/reports/%2e%2e/reports/" + s, "/api/v1/./reports/" + s, "/api/v1/entities/../reports/" + s, "/api/v1/reports/" + s + "%2f",
			"/api/v1/reports/" + s + "?", "/api/v1/reports/" + s + "#x", "/api/v1/reports/" + s + ";x", "/api/v1/reports/%20" + s, "/api/v1/reports/+" + s,
			"/api/v1/reports/" + s + ".json", "/api/v1/%72eports/" + s, "http://x/api/v1/reports/" + s} {
			addRaw("GET", t)
		}
		for _, m := range []string{"HEAD", "OPTIONS", "PUT", "DELETE", "PATCH", "TRACE", "get", "PROPFIND"} {
			addRaw(m, "/api/v1/reports/"+s)
		}
		for _, a := range []string{"application/xml", "text/html", "application/stix+json", "*/*", "text/csv", "application/geo+json"} {
			addRaw("GET", "/api/v1/reports/"+s, [2]string{"Accept", a})
		}
		addRaw("GET", "/api/v1/reports/"+s, [2]string{"X-HTTP-Method-Override", "GET"}, [2]string{"X-Forwarded-For", "10.0.0.1"})
	}
	for _, t := range []string{"//api/v1/reports?limit=1000", "/api/v1/reports/?limit=1000", "/api/v1/reports/search/?q=title", "/api/v1/export.stix/", "/api/v1/EXPORT.STIX",
		"/api/v1/export.stix?discipline=HUMINT&discipline=SIGINT", "/api/v1/reports/map/?bbox=-180,-90,180,90", "/api/v1/aggregates/", "/api/v1/entities/?limit=1000"} {
		addRaw("GET", t)
		addRaw("HEAD", t)
	}
	// The same user through the browser session (cookie) on a sample.
	if u.Cookie != "" {
		for _, path := range []string{"/api/v1/reports?limit=1000", "/api/v1/export.stix", "/api/v1/entities?limit=1000", "/api/v1/reports/search?q=title"} {
			js = append(js, job{u: u, cookie: true, path: path})
		}
	}
	return js
}

// hiddenOrMissing classifies a record for the existence comparison: "missing" (no such record),
// "hidden" (exists, not releasable to the user), "" (releasable: not compared).
func (p *probe) hiddenOrMissing(u *user, r *record) string {
	switch {
	case r == nil:
		return "missing"
	case !p.canRead(u, r):
		return "hidden"
	}
	return ""
}

// checkExistence reports every (user, route) where a hidden record was answered differently from
// a missing one.
func (p *probe) checkExistence(label string) {
	compared := 0
	for k, answers := range p.existAnswers {
		compared++
		if len(answers) <= 1 {
			continue
		}
		var parts []string
		for a, reqs := range answers {
			parts = append(parts, fmt.Sprintf("%q for %d request(s) such as %s", trunc([]byte(a), 120), len(reqs), reqs[0]))
		}
		sort.Strings(parts)
		p.leakCount++
		p.leaks = append(p.leaks, fmt.Sprintf("LEAK existence: %s: hidden and missing records answered differently: %s", k, strings.Join(parts, "; ")))
	}
	fmt.Printf("[%s] existence: hidden and missing records compared for %d (user, route) pairs\n", label, compared)
}

// checkVessels counts the vessels of simulated feeds whose marking is not releasable to the
// user. docs/api.md says vessel positions "are not yet filtered per feed": counted and shown,
// not a leak of this probe (a documented gap), unless -strict-vessels.
func (p *probe) checkVessels(u *user, b []byte) {
	var vs []struct {
		MMSI int64 `json:"mmsi"`
	}
	if json.Unmarshal(b, &vs) != nil {
		return
	}
	n, sim := 0, 0
	for _, v := range vs {
		if m, ok := p.mmsiFeed[v.MMSI]; ok {
			sim++
			if u.monitor() || !reach(u, m, true) {
				n++
			}
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.vesselGap[u.Name] = n
	p.vesselSim[u.Name] = sim
	if n > 0 && strictVessels {
		p.leakCount += n
		p.leaks = append(p.leaks, fmt.Sprintf("LEAK vessels: %s (%s) receives %d vessel(s) of feeds not releasable to it", u.Name, p.userDesc(u), n))
	}
}

// tamper returns a cursor and mutations of it; when it decodes as base64 the decoded text's
// digits are changed too.
func tamper(c string) []string {
	out := []string{c, c + "A", c[:len(c)/2], strings.ToUpper(c), strings.ToLower(c), "", "null", "0", "-1", "99999999999999999999", "../" + c, c + "%00"}
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.StdEncoding, base64.RawStdEncoding} {
		d, err := enc.DecodeString(c)
		if err != nil {
			continue
		}
		s := string(d)
		digits := regexp.MustCompile(`\d+`)
		out = append(out,
			enc.EncodeToString([]byte(digits.ReplaceAllString(s, "9"))),
			enc.EncodeToString([]byte(digits.ReplaceAllString(s, "0"))),
			enc.EncodeToString([]byte(digits.ReplaceAllStringFunc(s, func(x string) string { return x + "9" }))),
			enc.EncodeToString([]byte(s+"' OR 1=1 --")),
			enc.EncodeToString([]byte("9999-12-31T23:59:59Z|999999")),
			enc.EncodeToString([]byte("{}")))
		break
	}
	return out
}

// crossAttacks mixes identities: no credentials, garbage, expired, swapped kinds, two users.
func (p *probe) crossAttacks(expired string) []job {
	var js []job
	maxRep, _ := p.maxIDs()
	paths := []string{"/api/v1/reports?limit=1000", "/api/v1/export.stix", "/api/v1/entities?limit=1000", "/api/v1/reports/search?q=title",
		"/api/v1/reports/map?bbox=-180,-90,180,90", "/api/v1/aggregates", "/api/v1/operations", "/api/v1/consents?status=all", "/api/v1/liaison",
		"/api/v1/corroboration?entity=1&lat=20&lon=-95&radius_nm=600"}
	for id := int64(1); id <= maxRep; id += 5 {
		paths = append(paths, fmt.Sprintf("/api/v1/reports/%d", id))
	}
	anon := func(hdr ...[2]string) {
		for _, path := range paths {
			js = append(js, job{noAuth: true, path: path, hdr: hdr})
		}
	}
	anon()
	anon([2]string{"Authorization", "Bearer garbage"})
	anon([2]string{"Authorization", "Bearer "})
	anon([2]string{"Authorization", "Basic c2VtYXJfYW46eA=="})
	anon([2]string{"Cookie", "accord_session=garbage"})
	if expired != "" {
		anon([2]string{"Authorization", "Bearer " + expired})
		anon([2]string{"Authorization", "bearer " + expired})
	}
	for _, u := range p.users {
		if u.Cookie == "" {
			continue
		}
		// A session value presented as a bearer token, and a token presented as a cookie:
		// docs/api.md says each is accepted only in its own place.
		anon([2]string{"Authorization", "Bearer " + u.Cookie})
		anon([2]string{"Cookie", "accord_session=" + u.Token})
		anon([2]string{"Authorization", "Bearer " + u.Token[:len(u.Token)-1]})
		// Two identities in one request: the answer may hold only what one of them reads.
		for _, v := range p.users {
			if v == u || v.Agency == u.Agency {
				continue
			}
			for _, path := range paths[:4] {
				js = append(js, job{u: v, also: u, path: path, hdr: [][2]string{{"Cookie", "accord_session=" + u.Cookie}}})
			}
		}
		js = append(js, job{u: u, also: p.byName["uscg_an"], path: "/api/v1/reports?limit=1000", hdr: [][2]string{{"Authorization", "Bearer " + p.byName["uscg_an"].Token}}})
	}
	// Ledger: entries are hashes and metadata; decode every proof's entry and look inside.
	var size int
	js = append(js, job{u: p.users[0], path: "/api/v1/ledger/checkpoint", check: func(st int, b []byte) {
		lines := strings.Split(string(b), "\n")
		if len(lines) > 1 {
			size, _ = strconv.Atoi(lines[1])
		}
	}})
	p.do(js[len(js)-1])
	js = js[:len(js)-1]
	for seq := 0; seq < size; seq++ {
		js = append(js, job{u: p.users[seq%len(p.users)], path: fmt.Sprintf("/api/v1/ledger/proof/inclusion?seq=%d", seq)})
		if seq%10 == 0 {
			js = append(js, job{noAuth: true, path: fmt.Sprintf("/api/v1/ledger/proof/inclusion?seq=%d", seq)})
		}
	}
	return js
}

// ---- phase 3: writes that may echo what they refer to ----

func (p *probe) writeAttacks(u *user) []job {
	var js []job
	var ownEnt int64
	for id, e := range p.ents {
		if e.M.Originator == u.Agency && e.M.TLP == "CLEAR" {
			ownEnt = id
		}
	}
	var hidden []*record
	for _, e := range p.ents {
		if !p.canRead(u, e) {
			hidden = append(hidden, e)
		}
	}
	sort.Slice(hidden, func(i, k int) bool { return hidden[i].ID < hidden[k].ID })
	created := func(what string) func(int, []byte) {
		return func(st int, b []byte) {
			if st == 201 || st == 200 {
				p.mu.Lock()
				p.leakCount++
				p.leaks = append(p.leaks, fmt.Sprintf("LEAK write: user %s (%s): %s answered %d %s", u.Name, p.userDesc(u), what, st, trunc(b, 200)))
				p.mu.Unlock()
			}
		}
	}
	now := time.Now().UTC().Format(time.RFC3339)
	for i, e := range hidden {
		if i >= 12 {
			break
		}
		src := ownEnt
		if src == 0 {
			src = 1
		}
		m := markings{Originator: u.Agency, TLP: "AMBER+STRICT"}
		js = append(js, job{u: u, method: "POST", path: "/api/v1/links", check: created(fmt.Sprintf("link to unreadable entity %d", e.ID)),
			body: map[string]any{"source": src, "target": e.ID, "kind": "probe", "valid_from": now, "markings": m}})
		js = append(js, job{u: u, method: "POST", path: "/api/v1/links", check: created(fmt.Sprintf("link from unreadable entity %d", e.ID)),
			body: map[string]any{"source": e.ID, "target": e.ID, "kind": "probe", "valid_from": now, "markings": m}})
		js = append(js, job{u: u, method: "POST", path: "/api/v1/reports", check: created(fmt.Sprintf("report naming unreadable entity %d", e.ID)),
			body: map[string]any{"markings": m, "discipline": "OSINT", "grade": "F6", "observed": now, "title": "probe",
				"entities": []map[string]any{{"entity_id": e.ID, "stance": "supports"}}}})
	}
	// Existence through a STIX id: a STIX id is unique within its originator's records, so
	// reusing the id of another agency's report the writer may not read must answer as a fresh
	// id would (201) and create the writer's own record; 409 tells the writer the hidden report
	// exists, a leak. The id is registered as shared by the writer's agency before the request,
	// so that later answers carrying it (the writer's own record) are not taken for disclosures.
	n := 0
	for _, r := range p.reports {
		if p.canRead(u, r) || r.STIXID == "" || n >= 3 {
			continue
		}
		n++
		rid := r
		p.mu.Lock()
		if p.stixShared[r.STIXID] == nil {
			p.stixShared[r.STIXID] = map[string]bool{}
		}
		p.stixShared[r.STIXID][u.Agency] = true
		p.mu.Unlock()
		js = append(js, job{u: u, method: "POST", path: "/api/v1/reports",
			body: map[string]any{"stix_id": r.STIXID, "markings": markings{Originator: u.Agency, TLP: "AMBER+STRICT"}, "discipline": "OSINT", "grade": "F6", "observed": now, "title": "probe"},
			check: func(st int, b []byte) {
				p.mu.Lock()
				defer p.mu.Unlock()
				p.stixProbes++
				switch st {
				case 201:
					p.stixCreated++
				case 403:
					p.stixRefused++ // no writing role: refused as with a fresh id
				case 409:
					p.stixConflicts++
					p.leakCount++
					p.leaks = append(p.leaks, fmt.Sprintf("LEAK existence: POST /api/v1/reports with the STIX id of report %d unreadable to %s answered 409 (%s), a fresh id 201", rid.ID, u.Name, trunc(b, 100)))
				default:
					p.findings = append(p.findings, fmt.Sprintf("POST /api/v1/reports with the STIX id of report %d unreadable to %s answered %d (%s), a fresh id 201", rid.ID, u.Name, st, trunc(b, 100)))
				}
			}})
	}
	for _, r := range p.ops {
		if p.canRead(u, r) {
			continue
		}
		js = append(js, job{u: u, method: "POST", path: "/api/v1/operations/" + r.OpID + "/report", check: created("liaison report on unreadable operation " + r.OpID),
			body: map[string]any{"summary": "probe", "attendees": []string{"x"}}})
		js = append(js, job{u: u, method: "POST", path: "/api/v1/operations/" + r.OpID + "/outcome", check: created("outcome on unreadable operation " + r.OpID),
			body: map[string]any{"force_used": 0}})
		for _, c := range r.Consents {
			js = append(js, job{u: u, method: "POST", path: "/api/v1/consents/" + c + "/decision", body: map[string]any{"granted": false, "reason": "probe"}})
			js = append(js, job{u: u, method: "POST", path: "/api/v1/consents/" + c + "/revoke", body: map[string]any{"reason": "probe"}})
		}
	}
	js = append(js, job{u: u, method: "POST", path: "/api/v1/cases", body: map[string]any{"alert_id": "0000000000000000"}})
	for id, r := range p.ids {
		if r.Kind != "alert" || p.canRead(u, r) {
			continue
		}
		js = append(js, job{u: u, method: "POST", path: "/api/v1/cases", body: map[string]any{"alert_id": id}, check: created("case from unreadable alert " + id)})
	}
	for id, r := range p.ids {
		if r.Kind != "case" || p.canRead(u, r) {
			continue
		}
		for _, step := range []string{"consent-request", "hand-over", "accept", "board"} {
			js = append(js, job{u: u, method: "POST", path: "/api/v1/cases/" + id + "/" + step, body: map[string]any{}, check: created(step + " on unreadable case " + id)})
		}
		js = append(js, job{u: u, method: "POST", path: "/api/v1/cases/" + id + "/pursuit", body: map[string]any{"action": "start"}, check: created("pursuit on unreadable case " + id)})
	}
	js = append(js, job{u: u, method: "POST", path: "/api/v1/reports", body: map[string]any{"bogus": 1}})
	js = append(js, job{u: u, method: "POST", path: "/api/v1/reports", body: "not an object"})
	return js
}

// revoked logs one token out and replays requests with it.
func (p *probe) revoked() {
	u := p.byName["dea_an"]
	if u == nil {
		return
	}
	p.do(job{u: u, method: "POST", path: "/api/v1/logout"})
	for _, path := range []string{"/api/v1/reports?limit=1000", "/api/v1/export.stix", "/api/v1/me"} {
		p.do(job{u: u, path: path, check: func(st int, b []byte) {
			if st != 401 {
				p.mu.Lock()
				p.findings = append(p.findings, fmt.Sprintf("revoked token of %s still answered %d on %s", u.Name, st, path))
				p.mu.Unlock()
			}
		}})
	}
}

// ---- report ----

func (p *probe) summary(label string) {
	fmt.Printf("[%s] requests: %d\n", label, p.requests.Load())
	var sts []int
	p.byStatus.Range(func(k, v any) bool { sts = append(sts, k.(int)); return true })
	sort.Ints(sts)
	var parts []string
	for _, s := range sts {
		v, _ := p.byStatus.Load(s)
		parts = append(parts, fmt.Sprintf("%d×%d", s, v.(*atomic.Int64).Load()))
	}
	fmt.Printf("[%s] statuses: %s\n", label, strings.Join(parts, " "))
	fmt.Printf("[%s] coverage per user (records releasable per the oracle / reached through any answer; report list paged by 7: expected / listed / missing / extra; entity list: expected / listed):\n", label)
	totalExp, totalSeen := 0, 0
	for _, u := range p.users {
		exp, seen := 0, 0
		for _, r := range p.recs {
			if r.Kind == "dead" {
				continue
			}
			if p.canRead(u, r) {
				exp++
				if p.seen[u.Name][r] {
					seen++
				}
			}
		}
		totalExp += exp
		totalSeen += seen
		lexp, listed, missing, extra := 0, 0, 0, 0
		for id, r := range p.reports {
			want := p.canRead(u, r)
			if u.monitor() {
				want = reach(u, r.M, false)
			}
			got := p.listSeen[u.Name][id]
			if want {
				lexp++
			}
			if got {
				listed++
			}
			if want && !got {
				missing++
			}
			if got && !want {
				extra++
			}
		}
		eexp, elisted := 0, 0
		for id, e := range p.ents {
			if p.canRead(u, e) {
				eexp++
			}
			if p.entSeen[u.Name][id] {
				elisted++
				if !p.canRead(u, e) {
					p.leakCount++
					p.leaks = append(p.leaks, fmt.Sprintf("LEAK list: entity %d listed to %s [%s/%s %v]", id, u.Name, e.M.Originator, e.M.TLP, e.M.RelTo))
				}
			}
		}
		fmt.Printf("  %-14s %-7s %-4s %-30s records %3d/%3d  reports %3d/%3d/%d/%d  entities %3d/%3d\n", u.Name, u.Agency, u.State, strings.Join(u.Roles, ","),
			exp, seen, lexp, listed, missing, extra, eexp, elisted)
		if extra > 0 {
			p.leakCount += extra
			p.leaks = append(p.leaks, fmt.Sprintf("LEAK list: %d report(s) listed to %s beyond its reach", extra, u.Name))
		}
		if missing > 0 {
			p.findings = append(p.findings, fmt.Sprintf("%s: %d releasable report(s) missing from the paged list", u.Name, missing))
		}
	}
	fmt.Printf("[%s] coverage total: %d of %d (user, releasable record) pairs reached\n", label, totalSeen, totalExp)
	fmt.Printf("[%s] aggregates compared cell by cell with the agency's reach for %d users\n", label, p.aggChecked)
	for _, f := range p.accepted {
		fmt.Printf("[%s] ACCEPTED INVALID MARKING: %s\n", label, f)
	}
	nA, nC := 0, 0
	for _, r := range p.ids {
		if r.Kind == "alert" {
			nA++
		} else {
			nC++
		}
	}
	fmt.Printf("[%s] alerts in the oracle: %d, cases opened: %d, case openings refused: %v\n", label, nA, nC, p.caseRefusals)
	if len(p.vesselGap) > 0 {
		var vg []string
		for _, u := range p.users {
			vg = append(vg, fmt.Sprintf("%s=%d/%d", u.Name, p.vesselGap[u.Name], p.vesselSim[u.Name]))
		}
		fmt.Printf("[%s] vessels of feeds not releasable to the user, of the simulated vessels (ground truth) listed by GET /api/v1/vessels (docs/api.md: not yet filtered per feed): %s\n", label, strings.Join(vg, " "))
	}
	p.checkExistence(label)
	fmt.Printf("[%s] existence: of %d reports created with the STIX id of a report the writer may not read, %d answered 201 like a fresh id, %d answered 409 (leaks), %d 403 (no writing role)\n", label, p.stixProbes, p.stixCreated, p.stixConflicts, p.stixRefused)
	var errs []string
	for k, n := range p.errors5xx {
		errs = append(errs, fmt.Sprintf("%d× %s", n, k))
	}
	sort.Strings(errs)
	for _, e := range errs {
		fmt.Printf("[%s] server error: %s\n", label, e)
	}
	for _, f := range p.findings {
		fmt.Printf("[%s] note: %s\n", label, f)
	}
	for _, l := range uniq(p.idLeaks) {
		fmt.Printf("[%s] identifier: %s\n", label, l)
	}
	ls := uniq(p.leaks)
	cats := map[string]int{}
	for _, l := range ls {
		f := strings.Fields(l)
		if len(f) > 1 {
			cats[strings.TrimSuffix(f[1], ":")]++
		}
	}
	if len(cats) > 0 {
		fmt.Printf("[%s] distinct leak lines by kind: %v\n", label, cats)
	}
	for i, l := range ls {
		if i >= 200 {
			fmt.Printf("[%s] ... %d more\n", label, len(ls)-i)
			break
		}
		fmt.Printf("[%s] %s\n", label, l)
	}
	fmt.Printf("[%s] leaks: %d (identifier disclosures: %d)\n", label, p.leakCount, len(uniq(p.idLeaks)))
}
