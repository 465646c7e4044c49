// Package stix converts Accord's intelligence to and from STIX 2.1 bundles, so that MISP,
// OpenCTI and other platforms can exchange data with Accord.
//
// Mapping (Accord → STIX 2.1):
//   - agency → identity (identity_class "organization", x_accord_agency, x_accord_state), the
//     created_by_ref of every record it originated;
//   - TLP level → the TLP 2.0 marking-definition objects with their standard ids (OASIS
//     cti-stix-common-objects, extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d), in
//     object_marking_refs; REL TO → x_accord_rel_to ("state:MEX", "agency:SEMAR", "user:17");
//   - report → report (name, description, published, object_refs), with x_accord_discipline,
//     x_accord_grade (Admiralty, e.g. "B2"; also mapped to confidence 0-100), x_accord_source,
//     x_accord_observed, x_accord_place, x_accord_attachments (SHA-256, name, media type,
//     size; not the content) and x_accord_mentions (entity refs with their stance); its place
//     → a location object it references;
//   - entity → identity (person: individual, organisation: organization), intrusion-set
//     (cartel), infrastructure (vessel, vehicle) or location (place, tunnel), following the
//     prefix of its STIX id, with x_accord_kind, x_accord_aliases, x_accord_identifiers;
//   - link → relationship (relationship_type = link kind, start_time, stop_time).
//
// Export takes an [intel.Export], which the store has already restricted to what the user may
// read: the bundle never holds more. Import parses a bundle from any producer, maps what it
// understands, and reports what it skipped and why. [Validate] checks a bundle against the
// STIX 2.1 specification's structural rules (see validate.go for what it checks).
package stix

import (
	"cmp"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"accord/internal/access"
	"accord/internal/intel"
)

// TLP2Extension is the id of the STIX extension definition of TLP 2.0 marking definitions.
const TLP2Extension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

// TLPMarkingIDs are the standard ids of the TLP 2.0 marking definitions.
var TLPMarkingIDs = map[access.TLP]string{
	access.TLPClear:       "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	access.TLPGreen:       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	access.TLPAmber:       "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	access.TLPAmberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	access.TLPRed:         "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

// tlp1IDs are the STIX 2.1 TLP 1.0 marking definitions, accepted on import (WHITE → CLEAR).
var tlp1IDs = map[string]access.TLP{
	"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": access.TLPClear,
	"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": access.TLPGreen,
	"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": access.TLPAmber,
	"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": access.TLPRed,
}

// tlpCreated is the created time of the TLP 2.0 marking definitions.
const tlpCreated = "2022-10-01T00:00:00.000Z"

// tsLayout is the STIX timestamp form Accord writes: UTC, millisecond precision.
const tsLayout = "2006-01-02T15:04:05.000Z"

func ts(t time.Time) string { return t.UTC().Format(tsLayout) }

// namespace is the UUID v5 namespace of ids Accord derives (agency identities, report places).
var namespace = [16]byte{0x6b, 0x1d, 0x2e, 0x4a, 0x0c, 0x55, 0x4f, 0x1e, 0x9a, 0x33, 0x41, 0x0a, 0xcc, 0x0d, 0x5e, 0x71}

// uuid5 returns the RFC 4122 version 5 UUID of name in namespace.
func uuid5(name string) string {
	h := sha1.New()
	h.Write(namespace[:])
	h.Write([]byte(name))
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// AgencyID returns the STIX identity id of an agency.
func AgencyID(code string) string { return "identity--" + uuid5("agency:"+code) }

// placeID returns the id of the location object of a report's place. A STIX id is unique within
// its originator's records only, so the originator is part of the name: two agencies' reports
// with one STIX id, both in an export, get distinct location objects.
func placeID(originator, reportStixID string) string {
	return "location--" + uuid5("report-place:"+originator+":"+reportStixID)
}

// obj is one STIX object as written: properties in insertion order are not needed, JSON
// objects are unordered; encoding/json sorts map keys, which makes output deterministic.
type obj map[string]any

func markingObjects() []obj {
	var out []obj
	for _, l := range access.TLPs {
		out = append(out, obj{
			"type": "marking-definition", "spec_version": "2.1", "id": TLPMarkingIDs[l], "created": tlpCreated,
			"name":       "TLP:" + string(l),
			"extensions": obj{TLP2Extension: obj{"extension_type": "property-extension", "tlp_2_0": strings.ToLower(string(l))}},
		})
	}
	return out
}

func relTo(m access.Markings) []string {
	out := []string{}
	for _, t := range m.RelTo {
		out = append(out, t.String())
	}
	return out
}

// common fills the properties every marked Accord object carries.
func common(o obj, typ, id string, created time.Time, m access.Markings, createdBy string) obj {
	o["type"], o["spec_version"], o["id"] = typ, "2.1", id
	o["created"], o["modified"] = ts(created), ts(created)
	o["created_by_ref"] = AgencyID(m.Originator)
	o["object_marking_refs"] = []string{TLPMarkingIDs[m.TLP]}
	o["x_accord_rel_to"] = relTo(m)
	if createdBy != "" {
		o["x_accord_created_by"] = createdBy
	}
	return o
}

func stixType(id string) string {
	t, _, _ := strings.Cut(id, "--")
	return t
}

// confidence maps an Admiralty grade to STIX confidence 0-100 (grade weight × 100), for
// consumers that do not read x_accord_grade.
func confidence(g access.Grade) int {
	return int(math.Round(100 * intel.ReliabilityWeight[g.Reliability] * intel.CredibilityWeight[g.Credibility]))
}

// ContentSource returns attachment contents of reports u may read (the store).
type ContentSource interface {
	Attachment(ctx context.Context, u access.User, reportID int64, sum [32]byte) ([]byte, error)
}

// ExportWithContents is [Export] with each attachment's content carried in the bundle as an
// artifact object (payload_bin, hashes SHA-256), read from src as u.
func ExportWithContents(ctx context.Context, x intel.Export, src ContentSource, u access.User) ([]byte, error) {
	contents := map[[32]byte][]byte{}
	for _, r := range x.Reports {
		for _, a := range r.Attachments {
			if _, ok := contents[a.SHA256]; ok {
				continue
			}
			c, err := src.Attachment(ctx, u, r.ID, a.SHA256)
			if err != nil {
				return nil, fmt.Errorf("export attachment %s of %s: %w", a.HashHex(), r.StixID, err)
			}
			contents[a.SHA256] = c
		}
	}
	return export(x, contents, "")
}

// Export returns x as a STIX 2.1 bundle (JSON), attachments by hash only. bundleID names the
// bundle ("bundle--<uuid>"); empty derives one from the content. x must already hold only what
// the recipient may read.
func Export(x intel.Export, bundleID string) ([]byte, error) { return export(x, nil, bundleID) }

func artifactID(sum [32]byte) string { return "artifact--" + uuid5(fmt.Sprintf("sha256:%x", sum)) }

func export(x intel.Export, contents map[[32]byte][]byte, bundleID string) ([]byte, error) {
	// Objects are written in (STIX id, originator) order within each kind, so that the bundle
	// does not depend on local ids or listing order: the same records give the same bytes on
	// any node. A STIX id is unique within its originator's records only: records of several
	// agencies may share one, each with its own created_by_ref.
	x.Entities = slices.SortedFunc(slices.Values(x.Entities), func(a, b intel.Entity) int {
		return cmp.Or(strings.Compare(a.StixID, b.StixID), strings.Compare(a.Markings.Originator, b.Markings.Originator))
	})
	x.Reports = slices.SortedFunc(slices.Values(x.Reports), func(a, b intel.Report) int {
		return cmp.Or(strings.Compare(a.StixID, b.StixID), strings.Compare(a.Markings.Originator, b.Markings.Originator))
	})
	x.Links = slices.SortedFunc(slices.Values(x.Links), func(a, b intel.Link) int {
		return cmp.Or(strings.Compare(a.StixID, b.StixID), strings.Compare(a.Markings.Originator, b.Markings.Originator))
	})
	objs := markingObjects()
	agencies := map[string]access.Agency{}
	for _, a := range x.Agencies {
		agencies[a.Code] = a
	}
	used := map[string]bool{}
	entityRef := map[int64]string{}
	artifacts := map[string]bool{}
	var body []obj
	for _, e := range x.Entities {
		if err := e.Markings.Validate(); err != nil {
			return nil, fmt.Errorf("entity %s: %w", e.StixID, err)
		}
		entityRef[e.ID] = e.StixID
		typ := stixType(e.StixID)
		o := common(obj{}, typ, e.StixID, e.Created, e.Markings, e.CreatedBy)
		o["name"] = e.Name
		o["x_accord_kind"] = string(e.Kind)
		aliases := e.Aliases
		if aliases == nil {
			aliases = []string{}
		}
		ids := []obj{}
		for _, id := range e.Identifiers {
			ids = append(ids, obj{"scheme": string(id.Scheme), "value": id.Value})
		}
		o["x_accord_identifiers"] = ids
		switch typ {
		case "identity":
			o["identity_class"] = "organization"
			if e.Kind == intel.Person {
				o["identity_class"] = "individual"
			}
			o["x_accord_aliases"] = aliases
		case "intrusion-set", "infrastructure":
			o["aliases"] = aliases
		case "location":
			if e.Location == nil {
				return nil, fmt.Errorf("entity %s (%s): a STIX location needs a latitude and longitude", e.StixID, e.Name)
			}
			o["x_accord_aliases"] = aliases
		default:
			return nil, fmt.Errorf("entity %s: STIX type %q is not one Accord writes (identity, intrusion-set, infrastructure, location)", e.StixID, typ)
		}
		if e.Location != nil {
			o["latitude"], o["longitude"] = e.Location.Lat, e.Location.Lon
			if typ != "location" {
				delete(o, "latitude")
				delete(o, "longitude")
				o["x_accord_location"] = obj{"lat": e.Location.Lat, "lon": e.Location.Lon}
			}
		}
		used[e.Markings.Originator] = true
		body = append(body, o)
	}
	for _, r := range x.Reports {
		if err := r.Markings.Validate(); err != nil {
			return nil, fmt.Errorf("report %s: %w", r.StixID, err)
		}
		o := common(obj{}, "report", r.StixID, r.Created, r.Markings, r.CreatedBy)
		o["name"], o["published"], o["report_types"] = r.Title, ts(r.Created), []string{"threat-report"}
		if r.Text != "" {
			o["description"] = r.Text
		}
		o["confidence"] = confidence(r.Grade)
		o["x_accord_discipline"], o["x_accord_grade"], o["x_accord_observed"] = string(r.Discipline), r.Grade.String(), ts(r.Observed)
		if r.Source != "" {
			o["x_accord_source"] = r.Source
		}
		if r.Place != "" {
			o["x_accord_place"] = r.Place
		}
		refs := []string{}
		mentions := []obj{}
		for _, m := range r.Entities {
			ref, ok := entityRef[m.EntityID]
			if !ok {
				return nil, fmt.Errorf("report %s names entity %d, which is not in the export", r.StixID, m.EntityID)
			}
			refs = append(refs, ref)
			mentions = append(mentions, obj{"ref": ref, "stance": string(m.Stance)})
		}
		o["x_accord_mentions"] = mentions
		atts := []obj{}
		for _, a := range r.Attachments {
			ao := obj{"sha256": a.HashHex(), "name": a.Name, "media_type": a.MediaType, "size": a.Size}
			if c, ok := contents[a.SHA256]; ok {
				aid := artifactID(a.SHA256)
				ao["artifact"] = aid
				if !artifacts[aid] {
					artifacts[aid] = true
					body = append(body, obj{"type": "artifact", "spec_version": "2.1", "id": aid, "mime_type": a.MediaType,
						"payload_bin": base64.StdEncoding.EncodeToString(c), "hashes": obj{"SHA-256": a.HashHex()},
						"object_marking_refs": []string{TLPMarkingIDs[r.Markings.TLP]}})
				}
			}
			atts = append(atts, ao)
		}
		o["x_accord_attachments"] = atts
		if r.Location != nil {
			loc := common(obj{}, "location", placeID(r.Markings.Originator, r.StixID), r.Created, r.Markings, "")
			loc["latitude"], loc["longitude"] = r.Location.Lat, r.Location.Lon
			if r.Place != "" {
				loc["name"] = r.Place
			}
			loc["x_accord_report_place"] = true
			body = append(body, loc)
			refs = append(refs, loc["id"].(string))
		}
		if len(refs) == 0 {
			refs = append(refs, AgencyID(r.Markings.Originator)) // object_refs must not be empty
		}
		o["object_refs"] = refs
		used[r.Markings.Originator] = true
		body = append(body, o)
	}
	for _, l := range x.Links {
		if err := l.Markings.Validate(); err != nil {
			return nil, fmt.Errorf("link %s: %w", l.StixID, err)
		}
		src, ok1 := entityRef[l.Source]
		dst, ok2 := entityRef[l.Target]
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("link %s joins entities not in the export", l.StixID)
		}
		o := common(obj{}, "relationship", l.StixID, l.Created, l.Markings, l.CreatedBy)
		o["relationship_type"], o["source_ref"], o["target_ref"], o["start_time"] = l.Kind, src, dst, ts(l.ValidFrom)
		if !l.ValidTo.IsZero() {
			o["stop_time"] = ts(l.ValidTo)
		}
		used[l.Markings.Originator] = true
		body = append(body, o)
	}
	codes := make([]string, 0, len(used))
	for c := range used {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		a, ok := agencies[c]
		if !ok {
			a = access.Agency{Code: c, Name: c}
		}
		o := obj{"type": "identity", "spec_version": "2.1", "id": AgencyID(c), "created": tlpCreated, "modified": tlpCreated,
			"name": a.Name, "identity_class": "organization", "x_accord_agency": c}
		if a.State != "" {
			o["x_accord_state"] = a.State
		}
		objs = append(objs, o)
	}
	objs = append(objs, body...)
	if bundleID == "" {
		b, err := json.Marshal(objs)
		if err != nil {
			return nil, err
		}
		bundleID = "bundle--" + uuid5("bundle:"+string(b))
	}
	return json.MarshalIndent(obj{"type": "bundle", "id": bundleID, "objects": objs}, "", "  ")
}

// Mention is a report's reference to an entity by STIX id.
type Mention struct {
	Ref    string
	Stance intel.Stance
}

// Report is an imported report; its entities are named by STIX id in Mentions.
type Report struct {
	intel.Report
	Mentions []Mention
}

// Link is an imported link; its ends are named by STIX id.
type Link struct {
	intel.Link
	SourceRef, TargetRef string
}

// Bundle is what Import understood of a STIX bundle.
type Bundle struct {
	Agencies []access.Agency // agencies named by x_accord_agency identities
	Entities []intel.Entity
	Reports  []Report
	Links    []Link
	// Contents are the attachment contents carried as artifacts, by SHA-256 (checked).
	Contents map[[32]byte][]byte
	Skipped  []string // "<id>: <reason>" for each object not imported
}

// ImportOptions say how to read a bundle from another producer.
type ImportOptions struct {
	// Originator is the agency code given to objects whose created_by_ref is not an Accord
	// agency identity (bundles from MISP or OpenCTI). Empty: such objects are skipped.
	Originator string
	// DefaultTLP is the level of objects without a TLP marking (default AMBER: releasable to
	// the originator only until someone releases it).
	DefaultTLP access.TLP
}

var linkKindRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)

// Import parses a STIX 2.1 bundle. Objects it cannot map are listed in Bundle.Skipped with the
// reason; malformed JSON or a bundle without objects is an error.
func Import(data []byte, opts ImportOptions) (*Bundle, error) {
	if opts.DefaultTLP == "" {
		opts.DefaultTLP = access.TLPAmber
	}
	var raw struct {
		Type    string            `json:"type"`
		ID      string            `json:"id"`
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("stix bundle: %w", err)
	}
	if raw.Type != "bundle" {
		return nil, fmt.Errorf("stix bundle: type %q, want \"bundle\"", raw.Type)
	}
	objs := make([]map[string]any, 0, len(raw.Objects))
	for i, r := range raw.Objects {
		var o map[string]any
		if err := json.Unmarshal(r, &o); err != nil {
			return nil, fmt.Errorf("stix bundle object %d: %w", i, err)
		}
		objs = append(objs, o)
	}
	b := &Bundle{Contents: map[[32]byte][]byte{}}
	agencyOf := map[string]string{} // identity id → agency code
	for _, o := range objs {
		if str(o, "type") == "identity" && str(o, "x_accord_agency") != "" {
			a := access.Agency{Code: str(o, "x_accord_agency"), State: str(o, "x_accord_state"), Name: str(o, "name")}
			agencyOf[str(o, "id")] = a.Code
			b.Agencies = append(b.Agencies, a)
		}
	}
	skip := func(o map[string]any, why string, args ...any) {
		b.Skipped = append(b.Skipped, str(o, "id")+": "+fmt.Sprintf(why, args...))
	}
	markings := func(o map[string]any) (access.Markings, error) {
		m := access.Markings{Originator: agencyOf[str(o, "created_by_ref")]}
		if m.Originator == "" {
			m.Originator = opts.Originator
		}
		if m.Originator == "" {
			return m, fmt.Errorf("created_by_ref %q is not an Accord agency and no originator was given for foreign objects", str(o, "created_by_ref"))
		}
		for _, ref := range strs(o, "object_marking_refs") {
			for l, id := range TLPMarkingIDs {
				if id == ref {
					m.TLP = l
				}
			}
			if l, ok := tlp1IDs[ref]; ok && m.TLP == "" {
				m.TLP = l
			}
		}
		if m.TLP == "" {
			m.TLP = opts.DefaultTLP
		}
		for _, v := range strs(o, "x_accord_rel_to") {
			t, err := access.ParseTarget(v)
			if err != nil {
				return m, err
			}
			m.RelTo = append(m.RelTo, t)
		}
		return m, m.Validate()
	}
	for _, o := range objs {
		typ, id := str(o, "type"), str(o, "id")
		switch typ {
		case "marking-definition", "extension-definition", "bundle":
			continue
		case "artifact":
			c, err := base64.StdEncoding.DecodeString(str(o, "payload_bin"))
			h, _ := o["hashes"].(map[string]any)
			sum := sha256.Sum256(c)
			if err != nil || str(h, "SHA-256") != hex.EncodeToString(sum[:]) {
				skip(o, "payload_bin is not base64 or does not match hashes.SHA-256")
				continue
			}
			b.Contents[sum] = c
		case "identity", "intrusion-set", "infrastructure", "location":
			if typ == "identity" && str(o, "x_accord_agency") != "" {
				continue
			}
			if o["x_accord_report_place"] == true {
				continue // a report's place, read with the report
			}
			m, err := markings(o)
			if err != nil {
				skip(o, "%v", err)
				continue
			}
			e := intel.Entity{StixID: id, Name: str(o, "name"), Markings: m, CreatedBy: str(o, "x_accord_created_by")}
			e.Created, _ = time.Parse(time.RFC3339Nano, str(o, "created"))
			e.Kind = intel.EntityKind(str(o, "x_accord_kind"))
			if e.Kind == "" {
				switch {
				case typ == "identity" && str(o, "identity_class") == "individual":
					e.Kind = intel.Person
				case typ == "identity":
					e.Kind = intel.Organisation
				case typ == "intrusion-set":
					e.Kind = intel.Cartel
				case typ == "infrastructure":
					e.Kind = intel.Vessel
				default:
					e.Kind = intel.Place
				}
			}
			e.Aliases = strs(o, "aliases")
			if a := strs(o, "x_accord_aliases"); len(a) > 0 {
				e.Aliases = a
			}
			if ids, ok := o["x_accord_identifiers"].([]any); ok {
				for _, v := range ids {
					if m, ok := v.(map[string]any); ok {
						e.Identifiers = append(e.Identifiers, intel.Identifier{Scheme: intel.Scheme(str(m, "scheme")), Value: str(m, "value")})
					}
				}
			}
			if lat, ok1 := o["latitude"].(float64); ok1 {
				if lon, ok2 := o["longitude"].(float64); ok2 {
					e.Location = &intel.Point{Lat: lat, Lon: lon}
				}
			}
			if l, ok := o["x_accord_location"].(map[string]any); ok {
				lat, _ := l["lat"].(float64)
				lon, _ := l["lon"].(float64)
				e.Location = &intel.Point{Lat: lat, Lon: lon}
			}
			if e.Name == "" {
				skip(o, "no name")
				continue
			}
			if err := e.Validate(); err != nil {
				skip(o, "%v", err)
				continue
			}
			b.Entities = append(b.Entities, e)
		case "report":
			m, err := markings(o)
			if err != nil {
				skip(o, "%v", err)
				continue
			}
			r := Report{Report: intel.Report{StixID: id, Markings: m, Title: str(o, "name"), Text: str(o, "description"),
				Source: str(o, "x_accord_source"), Place: str(o, "x_accord_place"), CreatedBy: str(o, "x_accord_created_by")}}
			r.Created, _ = time.Parse(time.RFC3339Nano, str(o, "published"))
			r.Discipline = intel.Discipline(str(o, "x_accord_discipline"))
			if r.Discipline == "" {
				r.Discipline = intel.OSINT
			}
			r.Grade, err = access.ParseGrade(str(o, "x_accord_grade"))
			if err != nil {
				r.Grade = access.Grade{Reliability: 'F', Credibility: 6} // cannot be judged
			}
			r.Observed, err = time.Parse(time.RFC3339Nano, str(o, "x_accord_observed"))
			if err != nil {
				r.Observed = r.Created
			}
			if ms, ok := o["x_accord_mentions"].([]any); ok {
				for _, v := range ms {
					if mm, ok := v.(map[string]any); ok {
						r.Mentions = append(r.Mentions, Mention{Ref: str(mm, "ref"), Stance: intel.Stance(str(mm, "stance"))})
					}
				}
			} else {
				for _, ref := range strs(o, "object_refs") {
					switch stixType(ref) {
					case "identity", "intrusion-set", "infrastructure", "location":
						if agencyOf[ref] == "" {
							r.Mentions = append(r.Mentions, Mention{Ref: ref, Stance: intel.Mentions})
						}
					}
				}
			}
			if as, ok := o["x_accord_attachments"].([]any); ok {
				for _, v := range as {
					am, _ := v.(map[string]any)
					var a intel.Attachment
					h := str(am, "sha256")
					raw, err := hex.DecodeString(h)
					if err != nil || len(raw) != 32 {
						skip(o, "attachment sha256 %q is not 64 hex digits", h)
						continue
					}
					a.SHA256 = [32]byte(raw)
					a.Name, a.MediaType = str(am, "name"), str(am, "media_type")
					size, _ := am["size"].(float64)
					a.Size = int64(size)
					r.Attachments = append(r.Attachments, a)
				}
			}
			for _, ref := range strs(o, "object_refs") {
				if stixType(ref) != "location" {
					continue
				}
				for _, lo := range objs {
					if str(lo, "id") == ref && lo["x_accord_report_place"] == true {
						lat, _ := lo["latitude"].(float64)
						lon, _ := lo["longitude"].(float64)
						r.Location = &intel.Point{Lat: lat, Lon: lon}
					}
				}
			}
			if err := r.Validate(); err != nil {
				skip(o, "%v", err)
				continue
			}
			b.Reports = append(b.Reports, r)
		case "relationship":
			m, err := markings(o)
			if err != nil {
				skip(o, "%v", err)
				continue
			}
			l := Link{Link: intel.Link{StixID: id, Kind: str(o, "relationship_type"), Markings: m, CreatedBy: str(o, "x_accord_created_by")},
				SourceRef: str(o, "source_ref"), TargetRef: str(o, "target_ref")}
			l.Created, _ = time.Parse(time.RFC3339Nano, str(o, "created"))
			l.ValidFrom, err = time.Parse(time.RFC3339Nano, str(o, "start_time"))
			if err != nil {
				l.ValidFrom = l.Created
			}
			if v := str(o, "stop_time"); v != "" {
				l.ValidTo, _ = time.Parse(time.RFC3339Nano, v)
			}
			if !linkKindRE.MatchString(l.Kind) {
				skip(o, "relationship_type %q is not a link kind (lower-case words joined by '-')", l.Kind)
				continue
			}
			b.Links = append(b.Links, l)
		default:
			skip(o, "STIX type %q is not imported by Accord", typ)
		}
	}
	return b, nil
}

func str(o map[string]any, k string) string {
	s, _ := o[k].(string)
	return s
}

func strs(o map[string]any, k string) []string {
	v, _ := o[k].([]any)
	var out []string
	for _, x := range v {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
