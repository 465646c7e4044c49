package stix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/intel"
	"accord/internal/store"
)

var t0 = time.Date(2026, 11, 20, 10, 30, 15, 123e6, time.UTC)

func sampleExport() intel.Export {
	amberUSA := access.Markings{Originator: "SEMAR", TLP: access.TLPAmber, RelTo: []access.Target{{Type: access.TargetState, Value: "USA"}, {Type: access.TargetAgency, Value: "FGR"}}}
	red := access.Markings{Originator: "SEMAR", TLP: access.TLPRed, RelTo: []access.Target{{Type: access.TargetUser, Value: "2"}}}
	green := access.Markings{Originator: "SEMAR", TLP: access.TLPGreen}
	strict := access.Markings{Originator: "SEMAR", TLP: access.TLPAmberStrict}
	att := intel.NewAttachment("foto.jpg", "image/jpeg", []byte("jpeg bytes"))
	return intel.Export{
		Agencies: []access.Agency{{Code: "SEMAR", State: "MEX", Name: "Secretaría de Marina"}},
		Entities: []intel.Entity{
			{ID: 1, StixID: "identity--11111111-1111-4111-8111-111111111111", Kind: intel.Person, Name: "El Jefe", Aliases: []string{"Don J", "JJ"},
				Identifiers: []intel.Identifier{{Scheme: intel.CURP, Value: "HEGG560427MVZRRL04"}}, Markings: amberUSA, Created: t0, CreatedBy: "ana"},
			{ID: 2, StixID: "intrusion-set--22222222-2222-4222-8222-222222222222", Kind: intel.Cartel, Name: "Cartel del Golfo", Aliases: []string{"CDG"}, Markings: green, Created: t0, CreatedBy: "ana"},
			{ID: 3, StixID: "infrastructure--33333333-3333-4333-8333-333333333333", Kind: intel.Vessel, Name: "Lancha Azul",
				Identifiers: []intel.Identifier{{Scheme: intel.IMO, Value: "9074729"}, {Scheme: intel.MMSI, Value: "345070123"}}, Location: &intel.Point{Lat: 22.1, Lon: -97.7}, Markings: red, Created: t0, CreatedBy: "ana"},
			{ID: 4, StixID: "location--44444444-4444-4444-8444-444444444444", Kind: intel.Tunnel, Name: "Túnel Otay", Location: &intel.Point{Lat: 32.55, Lon: -116.94}, Markings: strict, Created: t0, CreatedBy: "ana"},
		},
		Reports: []intel.Report{
			{ID: 10, StixID: "report--aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", Markings: amberUSA, Discipline: intel.HUMINT, Grade: access.Grade{Reliability: 'B', Credibility: 2},
				Source: "src-7", Observed: t0.Add(-time.Hour), Place: "Tampico", Location: &intel.Point{Lat: 22.25, Lon: -97.85}, Title: "Reunión en Tampico",
				Text: "Texto con \"comillas\" y acentos: señal", Attachments: []intel.Attachment{att},
				Entities: []intel.Mention{{EntityID: 1, Stance: intel.Supports}, {EntityID: 2, Stance: intel.Mentions}}, Created: t0, CreatedBy: "ana"},
			{ID: 11, StixID: "report--bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", Markings: red, Discipline: intel.SIGINT, Grade: access.Grade{Reliability: 'F', Credibility: 6},
				Observed: t0, Title: "Sin lugar", Entities: []intel.Mention{{EntityID: 3, Stance: intel.Contradicts}}, Created: t0, CreatedBy: "ana"},
			{ID: 12, StixID: "report--cccccccc-cccc-4ccc-8ccc-cccccccccccc", Markings: green, Discipline: intel.OSINT, Grade: access.Grade{Reliability: 'C', Credibility: 3},
				Observed: t0, Title: "Nothing named", Created: t0, CreatedBy: "ana"},
		},
		Links: []intel.Link{
			{ID: 20, StixID: "relationship--dddddddd-dddd-4ddd-8ddd-dddddddddddd", Source: 1, Target: 2, Kind: "leads", ValidFrom: t0.AddDate(-2, 0, 0), ValidTo: t0.AddDate(0, -1, 0), Markings: amberUSA, Created: t0, CreatedBy: "ana"},
			{ID: 21, StixID: "relationship--eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee", Source: 3, Target: 2, Kind: "operated-by", ValidFrom: t0.AddDate(-1, 0, 0), Markings: green, Created: t0, CreatedBy: "ana"},
		},
	}
}

// TestRoundTrip exports, validates and imports a bundle, and compares every field.
func TestRoundTrip(t *testing.T) {
	x := sampleExport()
	b, err := Export(x, "")
	if err != nil {
		t.Fatal(err)
	}
	if errs := Validate(b); len(errs) > 0 {
		t.Fatalf("exported bundle does not validate: %v\n%s", errs, b)
	}
	in, err := Import(b, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Skipped) > 0 {
		t.Errorf("skipped: %v", in.Skipped)
	}
	if !reflect.DeepEqual(in.Agencies, x.Agencies) {
		t.Errorf("agencies %+v, want %+v", in.Agencies, x.Agencies)
	}
	byStix := map[string]int64{}
	for _, e := range x.Entities {
		byStix[e.StixID] = e.ID
	}
	if len(in.Entities) != len(x.Entities) {
		t.Fatalf("%d entities, want %d", len(in.Entities), len(x.Entities))
	}
	wantE := map[string]intel.Entity{}
	for _, e := range x.Entities {
		wantE[e.StixID] = e
	}
	for _, e := range in.Entities {
		e.ID = wantE[e.StixID].ID
		if !reflect.DeepEqual(e, wantE[e.StixID]) {
			t.Errorf("entity %s:\n got %+v\nwant %+v", e.StixID, e, wantE[e.StixID])
		}
	}
	if len(in.Reports) != len(x.Reports) {
		t.Fatalf("%d reports, want %d", len(in.Reports), len(x.Reports))
	}
	wantR := map[string]intel.Report{}
	for _, r := range x.Reports {
		wantR[r.StixID] = r
	}
	for _, r := range in.Reports {
		want := wantR[r.StixID]
		got := r.Report
		got.ID = want.ID
		for _, m := range r.Mentions {
			got.Entities = append(got.Entities, intel.Mention{EntityID: byStix[m.Ref], Stance: m.Stance})
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("report %s:\n got %+v\nwant %+v", r.StixID, got, want)
		}
	}
	for i, l := range in.Links {
		got := l.Link
		got.ID, got.Source, got.Target = x.Links[i].ID, byStix[l.SourceRef], byStix[l.TargetRef]
		if !reflect.DeepEqual(got, x.Links[i]) {
			t.Errorf("link %d:\n got %+v\nwant %+v", i, got, x.Links[i])
		}
	}
	// Deterministic: the same export twice is the same bytes.
	b2, _ := Export(x, "")
	if !bytes.Equal(b, b2) {
		t.Error("export is not deterministic")
	}
	for _, id := range TLPMarkingIDs {
		if !bytes.Contains(b, []byte(id)) {
			t.Errorf("bundle lacks the TLP marking definition %s", id)
		}
	}
}

// TestStoreRoundTrip goes through two real stores: export from A, import into B, export from B,
// and requires the same bundle, byte for byte.
func TestStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	open := func() (*store.Store, *store.Sovereignty, access.User) {
		st, err := store.Open(ctx, store.Config{DataDir: t.TempDir()}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		sv := st.Sovereignty()
		if err := sv.Seed(ctx, access.SeedStates, access.SeedAgencies); err != nil {
			t.Fatal(err)
		}
		ana, err := sv.AddUser(ctx, store.System, store.NewUser{Name: "ana", Agency: "SEMAR", Roles: []access.Role{access.RoleAnalyst}, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sv.AddUser(ctx, store.System, store.NewUser{Name: "joe", Agency: "USCG", Roles: []access.Role{access.RoleAnalyst}, Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
		return st, sv, ana
	}
	_, a, anaA := open()
	x := sampleExport()
	ids := map[int64]int64{}
	for _, e := range x.Entities {
		id, err := a.CreateEntity(ctx, anaA, e)
		if err != nil {
			t.Fatal(err)
		}
		ids[e.ID] = id
	}
	for _, r := range x.Reports {
		for i := range r.Entities {
			r.Entities[i].EntityID = ids[r.Entities[i].EntityID]
		}
		contents := map[[32]byte][]byte{}
		for _, at := range r.Attachments {
			contents[at.SHA256] = []byte("jpeg bytes")
		}
		if _, err := a.CreateReport(ctx, anaA, r, contents); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range x.Links {
		l.Source, l.Target = ids[l.Source], ids[l.Target]
		if _, err := a.CreateLink(ctx, anaA, l); err != nil {
			t.Fatal(err)
		}
	}
	xa, err := a.Export(ctx, anaA, intel.ReportFilter{})
	if err != nil {
		t.Fatal(err)
	}
	bundleA, err := ExportWithContents(ctx, xa, a, anaA)
	if err != nil {
		t.Fatal(err)
	}
	if errs := Validate(bundleA); len(errs) > 0 {
		t.Fatalf("bundle does not validate: %v", errs)
	}
	_, bsv, anaB := open()
	in, err := Import(bundleA, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Load(ctx, bsv, store.System, in, store.ErrNotFound)
	if err != nil {
		t.Fatal(err)
	}
	if c.Entities != 4 || c.Reports != 3 || c.Links != 2 {
		t.Errorf("loaded %+v", c)
	}
	again, err := Load(ctx, bsv, store.System, in, store.ErrNotFound)
	if err != nil || again.Present != 9 || again.Entities+again.Reports+again.Links != 0 {
		t.Errorf("second load (idempotent): %+v %v", again, err)
	}
	xb, err := bsv.Export(ctx, anaB, intel.ReportFilter{})
	if err != nil {
		t.Fatal(err)
	}
	bundleB, err := ExportWithContents(ctx, xb, bsv, anaB)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bundleA, bundleB) {
		t.Errorf("round trip changed the bundle:\nA: %s\nB: %s", bundleA, bundleB)
	}
	// The attachment's bytes arrived.
	rs, _ := bsv.Reports(ctx, anaB, intel.ReportFilter{Text: "Tampico"}, "get")
	if len(rs) != 1 || len(rs[0].Attachments) != 1 {
		t.Fatalf("report with attachment not found after import: %+v", rs)
	}
	got, err := bsv.Attachment(ctx, anaB, rs[0].ID, rs[0].Attachments[0].SHA256)
	if err != nil || string(got) != "jpeg bytes" {
		t.Errorf("attachment after import: %q %v", got, err)
	}
}

func TestValidateRejects(t *testing.T) {
	good, err := Export(sampleExport(), "")
	if err != nil {
		t.Fatal(err)
	}
	mutate := func(fn func(objs []map[string]any, b map[string]any)) []byte {
		var b map[string]any
		json.Unmarshal(good, &b)
		var objs []map[string]any
		for _, o := range b["objects"].([]any) {
			objs = append(objs, o.(map[string]any))
		}
		fn(objs, b)
		out, _ := json.Marshal(b)
		return out
	}
	find := func(objs []map[string]any, typ string) map[string]any {
		for _, o := range objs {
			if o["type"] == typ {
				return o
			}
		}
		t.Fatalf("no %s", typ)
		return nil
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"not json", []byte("{"), "not JSON"},
		{"bundle type", mutate(func(_ []map[string]any, b map[string]any) { b["type"] = "bundel" }), `type "bundel"`},
		{"bad id", mutate(func(o []map[string]any, _ map[string]any) { find(o, "report")["id"] = "report--xyz" }), "id is not report--"},
		{"id prefix", mutate(func(o []map[string]any, _ map[string]any) {
			find(o, "report")["id"] = "identity--aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
		}), "id is not report--"},
		{"spec_version", mutate(func(o []map[string]any, _ map[string]any) { find(o, "report")["spec_version"] = "2.0" }), "spec_version"},
		{"timestamp", mutate(func(o []map[string]any, _ map[string]any) { find(o, "report")["created"] = "2026-11-20 10:00" }), "created"},
		{"modified before created", mutate(func(o []map[string]any, _ map[string]any) { find(o, "report")["modified"] = "2000-01-01T00:00:00.000Z" }), "modified is before"},
		{"report without refs", mutate(func(o []map[string]any, _ map[string]any) { delete(find(o, "report"), "object_refs") }), "object_refs is missing"},
		{"empty refs", mutate(func(o []map[string]any, _ map[string]any) { find(o, "report")["object_refs"] = []any{} }), "empty list"},
		{"dangling ref", mutate(func(o []map[string]any, _ map[string]any) {
			find(o, "relationship")["target_ref"] = "identity--99999999-9999-4999-8999-999999999999"
		}), "names no object"},
		{"custom without x_", mutate(func(o []map[string]any, _ map[string]any) { find(o, "report")["grade"] = "B2" }), `property "grade"`},
		{"location half", mutate(func(o []map[string]any, _ map[string]any) { delete(find(o, "location"), "longitude") }), "together"},
		{"stop before start", mutate(func(o []map[string]any, _ map[string]any) {
			find(o, "relationship")["stop_time"] = "2000-01-01T00:00:00.000Z"
		}), "stop_time must be later"},
		{"tlp name", mutate(func(o []map[string]any, _ map[string]any) { find(o, "marking-definition")["name"] = "TLP:WHITE" }), "TLP 2.0 marking"},
		{"created_by_ref type", mutate(func(o []map[string]any, _ map[string]any) {
			find(o, "report")["created_by_ref"] = find(o, "report")["id"]
		}), "not an identity"},
		{"identity class", mutate(func(o []map[string]any, _ map[string]any) { find(o, "identity")["identity_class"] = "company" }), "identity-class-ov"},
	}
	for _, tc := range tests {
		errs := Validate(tc.data)
		if !strings.Contains(errors.Join(errs...).Error()+" ", tc.want) {
			t.Errorf("%s: errors %v, want one containing %q", tc.name, errs, tc.want)
		}
	}
}

// TestImportForeign reads a bundle as MISP or OpenCTI would write it: no Accord properties,
// TLP 1.0 markings, types Accord does not import.
func TestImportForeign(t *testing.T) {
	const bundle = `{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[
	 {"type":"identity","spec_version":"2.1","id":"identity--f431f809-377b-45e0-aa1c-6a4751cae5ff","created":"2017-06-01T00:00:00.000Z","modified":"2017-06-01T00:00:00.000Z","name":"Some CERT","identity_class":"organization"},
	 {"type":"intrusion-set","spec_version":"2.1","id":"intrusion-set--4e78f46f-a023-4e5f-bc24-71b3ca22ec29","created":"2017-06-01T00:00:00.000Z","modified":"2017-06-01T00:00:00.000Z","name":"Los Zetas","aliases":["Z"],"created_by_ref":"identity--f431f809-377b-45e0-aa1c-6a4751cae5ff","object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]},
	 {"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2017-06-01T00:00:00.000Z","modified":"2017-06-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '10.0.0.1']","pattern_type":"stix","valid_from":"2017-06-01T00:00:00Z"},
	 {"type":"report","spec_version":"2.1","id":"report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3","created":"2017-06-01T00:00:00.000Z","modified":"2017-06-01T00:00:00.000Z","name":"Zetas update","published":"2017-06-01T00:00:00Z","object_refs":["intrusion-set--4e78f46f-a023-4e5f-bc24-71b3ca22ec29","indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"],"created_by_ref":"identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"}
	]}`
	if _, err := Import([]byte(bundle), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	b, _ := Import([]byte(bundle), ImportOptions{})
	if len(b.Entities) != 0 || len(b.Reports) != 0 || len(b.Skipped) != 4 {
		t.Errorf("without an originator, foreign objects must be skipped: %+v", b)
	}
	b, err := Import([]byte(bundle), ImportOptions{Originator: "SEMAR"})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Entities) != 2 || b.Entities[1].Kind != intel.Cartel || b.Entities[1].Markings.TLP != access.TLPGreen || b.Entities[0].Kind != intel.Organisation {
		t.Errorf("entities %+v", b.Entities)
	}
	if len(b.Reports) != 1 || b.Reports[0].Markings.TLP != access.TLPAmber || b.Reports[0].Grade.String() != "F6" || len(b.Reports[0].Mentions) != 1 {
		t.Errorf("report %+v", b.Reports)
	}
	if len(b.Skipped) != 1 || !strings.Contains(b.Skipped[0], "indicator") {
		t.Errorf("skipped %v", b.Skipped)
	}
	for _, bad := range []string{``, `[]`, `{"type":"report"}`, `{"type":"bundle","objects":[1]}`} {
		if _, err := Import([]byte(bad), ImportOptions{}); err == nil {
			t.Errorf("Import(%q) succeeded", bad)
		}
	}
}

func FuzzImport(f *testing.F) {
	good, _ := Export(sampleExport(), "")
	f.Add(good)
	f.Add([]byte(`{"type":"bundle","objects":[{"type":"report","x_accord_attachments":[{"sha256":"zz"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Import(data, ImportOptions{Originator: "SEMAR"})
		if err == nil {
			for _, e := range b.Entities {
				if err := e.Validate(); err != nil {
					t.Fatalf("Import returned an invalid entity: %v", err)
				}
			}
		}
		_ = Validate(data)
	})
}

// TestLoadPerOriginator loads two copies of one bundle that differ only in their originator
// (SEMAR, then DEA; same STIX ids) into one store: a STIX id is unique within its originator's
// records, so the second copy is created, not taken as present, and its references resolve to
// its own originator's entities. A bundle exported from that store by a user who reads records
// of both carries both copies, validates, and loads into an empty store with the same counts. A
// reference from a third originator to an id that two others carry is ambiguous.
func TestLoadPerOriginator(t *testing.T) {
	ctx := context.Background()
	open := func() *store.Sovereignty {
		st, err := store.Open(ctx, store.Config{DataDir: t.TempDir()}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		sv := st.Sovereignty()
		if err := sv.Seed(ctx, access.SeedStates, access.SeedAgencies); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"ana", "joe"} { // users 1 and 2 (a RED recipient)
			if _, err := sv.AddUser(ctx, store.System, store.NewUser{Name: n, Agency: "SEMAR", Roles: []access.Role{access.RoleAnalyst}, Password: "correct horse battery"}); err != nil {
				t.Fatal(err)
			}
		}
		return sv
	}
	reMark := func(x intel.Export, orig string) intel.Export {
		x.Agencies = append(x.Agencies, access.Agency{Code: "DEA", State: "USA", Name: "Drug Enforcement Administration"})
		for i := range x.Entities {
			x.Entities[i].Markings.Originator = orig
		}
		for i := range x.Reports {
			x.Reports[i].Markings.Originator = orig
			x.Reports[i].Attachments = nil
		}
		for i := range x.Links {
			x.Links[i].Markings.Originator = orig
		}
		return x
	}
	bundle := func(x intel.Export) *Bundle {
		b, err := Export(x, "")
		if err != nil {
			t.Fatal(err)
		}
		if errs := Validate(b); len(errs) > 0 {
			t.Fatalf("bundle does not validate: %v", errs)
		}
		in, err := Import(b, ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	sv := open()
	want := Counts{Entities: 4, Reports: 3, Links: 2}
	for _, orig := range []string{"SEMAR", "DEA"} {
		c, err := Load(ctx, sv, store.System, bundle(reMark(sampleExport(), orig)), store.ErrNotFound)
		if err != nil || c != want {
			t.Fatalf("load the %s copy: %+v %v, want %+v", orig, c, err, want)
		}
	}
	if c, err := Load(ctx, sv, store.System, bundle(reMark(sampleExport(), "DEA")), store.ErrNotFound); err != nil || c != (Counts{Present: 9}) {
		t.Errorf("load the DEA copy again: %+v %v, want all 9 present", c, err)
	}
	// Each copy's report names its own originator's entities.
	for _, orig := range []string{"SEMAR", "DEA"} {
		ids, err := sv.IDsOf(ctx, "report", "report--aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa")
		if err != nil || len(ids) != 2 {
			t.Fatalf("ids of the report: %v %v", ids, err)
		}
		rs, err := sv.Reports(ctx, access.User{ID: 99, Agency: orig, State: "MEX", Roles: []access.Role{access.RoleAnalyst}}, intel.ReportFilter{ID: ids[orig]}, "get")
		if err != nil || len(rs) != 1 {
			t.Fatalf("%s report: %v %v", orig, rs, err)
		}
		for _, m := range rs[0].Entities {
			es, err := sv.Entities(ctx, access.User{ID: 99, Agency: orig, State: "MEX", Roles: []access.Role{access.RoleAnalyst}}, intel.EntityFilter{ID: m.EntityID}, "get")
			if err != nil || len(es) != 1 || es[0].Markings.Originator != orig {
				t.Errorf("%s report names entity %d: %+v %v, want one of %s", orig, m.EntityID, es, err, orig)
			}
		}
	}
	// An export holding both copies (the GREEN records of both, for an FGR analyst).
	fgr := access.User{ID: 98, Name: "fgr", Agency: "FGR", State: "MEX", Roles: []access.Role{access.RoleAnalyst}}
	x, err := sv.Export(ctx, fgr, intel.ReportFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Reports) != 4 { // the AMBER report (REL TO FGR) and the GREEN one, of each originator
		t.Fatalf("FGR export: %d reports, want 4", len(x.Reports))
	}
	// Mentions of entities the export lacks are dropped for this test's purpose.
	keep := map[int64]bool{}
	for _, e := range x.Entities {
		keep[e.ID] = true
	}
	for i := range x.Reports {
		x.Reports[i].Entities = slices.DeleteFunc(x.Reports[i].Entities, func(m intel.Mention) bool { return !keep[m.EntityID] })
		x.Reports[i].Attachments = nil
	}
	in := bundle(x)
	c, err := Load(ctx, open(), store.System, in, store.ErrNotFound)
	if err != nil || c.Reports != 4 || c.Entities != len(x.Entities) || c.Links != len(x.Links) {
		t.Errorf("load the FGR export (%d entities, %d links) into an empty node: %+v %v", len(x.Entities), len(x.Links), c, err)
	}
	// A third originator naming an id that two others carry.
	fgrReport := reMark(sampleExport(), "FGR")
	fgrReport.Entities, fgrReport.Links = nil, nil
	fgrReport.Reports = fgrReport.Reports[:1]
	b, err := Export(intel.Export{Agencies: fgrReport.Agencies, Entities: sampleExport().Entities, Reports: fgrReport.Reports}, "")
	if err != nil {
		t.Fatal(err)
	}
	in, err = Import(b, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in.Entities = nil // the references now name only what the node holds: SEMAR's and DEA's
	if _, err := Load(ctx, sv, store.System, in, store.ErrNotFound); !errors.Is(err, ErrAmbiguous) {
		t.Errorf("FGR report naming an id of SEMAR and DEA: %v, want ErrAmbiguous", err)
	}
}
