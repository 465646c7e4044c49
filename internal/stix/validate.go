package stix

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Validate checks a bundle against the structural rules of STIX 2.1 (OASIS Standard, 10 June
// 2021) for the object types Accord writes and reads, and returns every violation found, each
// naming the object and property. It is a validator written from the specification's text, not
// the official JSON schemas; it checks:
//
//   - bundle: type "bundle", id "bundle--<UUID>", objects a list (§8);
//   - every object: type 3-250 characters of [a-z0-9-] (§3.1); id "<type>--<RFC 4122 UUID>"
//     whose prefix equals type (§2.9); spec_version "2.1"; created and modified timestamps in
//     RFC 3339 UTC with "Z" (§2.10), modified not before created; created_by_ref an identity
//     id; object_marking_refs marking-definition ids; property names 3-250 characters of
//     [a-z0-9_] (§3.1), custom ones (not defined by the specification) prefixed "x_" (§11.1);
//     every *_ref and *_refs value an identifier that resolves to an object of the bundle or
//     to a standard TLP marking definition;
//   - identity: name required; identity_class, when present, from identity-class-ov (§4.5);
//   - intrusion-set, infrastructure: name required (§4.7, §4.8);
//   - location: latitude and longitude together, in range, or region or country (§4.9);
//   - report: name, published and a non-empty object_refs required (§4.14);
//   - relationship: relationship_type of [a-z0-9-], source_ref and target_ref required,
//     stop_time later than start_time (§5.1);
//   - artifact (§6.1): payload_bin (base64) or url, not both; hashes with a url;
//   - marking-definition: TLP 2.0 markings with their standard id, name and extension value
//     (cti-stix-common-objects, tlp-2.0 extension definition).
func Validate(data []byte) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	var b map[string]any
	if err := json.Unmarshal(data, &b); err != nil {
		return []error{fmt.Errorf("bundle: not JSON: %w", err)}
	}
	if str(b, "type") != "bundle" {
		fail("bundle: type %q, want \"bundle\"", str(b, "type"))
	}
	if !validID(str(b, "id"), "bundle") {
		fail("bundle: id %q is not bundle--<UUID>", str(b, "id"))
	}
	list, ok := b["objects"].([]any)
	if !ok {
		return append(errs, fmt.Errorf("bundle: objects is not a list"))
	}
	ids := map[string]string{}
	for i, v := range list {
		o, ok := v.(map[string]any)
		if !ok {
			fail("object %d: not a JSON object", i)
			continue
		}
		ids[str(o, "id")] = str(o, "type")
	}
	known := func(id string) bool {
		if _, ok := ids[id]; ok {
			return true
		}
		for _, m := range TLPMarkingIDs {
			if m == id {
				return true
			}
		}
		return false
	}
	for i, v := range list {
		o, ok := v.(map[string]any)
		if !ok {
			continue
		}
		typ, id := str(o, "type"), str(o, "id")
		at := fmt.Sprintf("object %d (%s)", i, id)
		if !typeRE.MatchString(typ) {
			fail("%s: type %q: 3-250 characters of a-z, 0-9, '-'", at, typ)
		}
		if !validID(id, typ) {
			fail("%s: id is not %s--<RFC 4122 UUID>", at, typ)
		}
		if str(o, "spec_version") != "2.1" {
			fail("%s: spec_version %q, want \"2.1\"", at, str(o, "spec_version"))
		}
		sco := typ == "artifact" // cyber-observable objects have no created/modified (§6)
		created, err := timestamp(o, "created")
		if err != nil && !sco {
			fail("%s: created: %v", at, err)
		}
		if typ != "marking-definition" && !sco {
			modified, err := timestamp(o, "modified")
			if err != nil {
				fail("%s: modified: %v", at, err)
			} else if modified.Before(created) {
				fail("%s: modified is before created", at)
			}
		}
		defined := specProps[typ]
		for k, val := range o {
			if (k != "id" && !propRE.MatchString(k)) || strings.ContainsAny(k, "-") {
				fail("%s: property name %q: 3-250 characters of a-z, 0-9, '_'", at, k)
			}
			if !slices.Contains(commonProps, k) && !slices.Contains(defined, k) && !strings.HasPrefix(k, "x_") {
				fail("%s: property %q is not defined for %s by STIX 2.1 and is not a custom property (x_...)", at, k, typ)
			}
			if strings.HasSuffix(k, "_ref") || strings.HasSuffix(k, "_refs") {
				var refs []string
				if s, ok := val.(string); ok {
					refs = []string{s}
				} else if l, ok := val.([]any); ok {
					if len(l) == 0 {
						fail("%s: %s is an empty list", at, k)
					}
					for _, x := range l {
						s, _ := x.(string)
						refs = append(refs, s)
					}
				} else {
					fail("%s: %s is neither an identifier nor a list of identifiers", at, k)
				}
				for _, r := range refs {
					rt := stixType(r)
					switch {
					case !validID(r, rt):
						fail("%s: %s value %q is not an identifier", at, k, r)
					case k == "created_by_ref" && rt != "identity":
						fail("%s: created_by_ref %q is not an identity", at, r)
					case k == "object_marking_refs" && rt != "marking-definition":
						fail("%s: object_marking_refs value %q is not a marking-definition", at, r)
					case !known(r):
						fail("%s: %s value %q names no object of the bundle", at, k, r)
					}
				}
			}
		}
		need := func(props ...string) {
			for _, p := range props {
				if v, ok := o[p]; !ok || v == "" || v == nil {
					fail("%s: required property %s is missing", at, p)
				}
			}
		}
		switch typ {
		case "artifact":
			if _, ok := o["payload_bin"]; ok == (str(o, "url") != "") {
				fail("%s: an artifact has payload_bin or url, not both or neither", at)
			}
			if _, ok := o["url"]; ok {
				if _, ok := o["hashes"]; !ok {
					fail("%s: an artifact with a url needs hashes", at)
				}
			}
			if p, ok := o["payload_bin"].(string); ok {
				if _, err := base64.StdEncoding.DecodeString(p); err != nil {
					fail("%s: payload_bin is not base64", at)
				}
			}
		case "identity":
			need("name")
			if c := str(o, "identity_class"); c != "" && !slices.Contains([]string{"individual", "group", "system", "organization", "class", "unknown"}, c) {
				fail("%s: identity_class %q is not in identity-class-ov", at, c)
			}
		case "intrusion-set", "infrastructure":
			need("name")
		case "location":
			lat, hasLat := o["latitude"].(float64)
			lon, hasLon := o["longitude"].(float64)
			if hasLat != hasLon {
				fail("%s: latitude and longitude must be given together", at)
			}
			if hasLat && (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
				fail("%s: latitude %g / longitude %g out of range", at, lat, lon)
			}
			if !hasLat && str(o, "region") == "" && str(o, "country") == "" {
				fail("%s: a location needs latitude and longitude, region or country", at)
			}
		case "report":
			need("name", "published", "object_refs")
			if _, err := timestamp(o, "published"); err != nil {
				fail("%s: published: %v", at, err)
			}
		case "relationship":
			need("relationship_type", "source_ref", "target_ref")
			if rt := str(o, "relationship_type"); rt != "" && !relTypeRE.MatchString(rt) {
				fail("%s: relationship_type %q: a-z, 0-9 and '-' only", at, rt)
			}
			start, e1 := timestamp(o, "start_time")
			stop, e2 := timestamp(o, "stop_time")
			if _, has := o["start_time"]; has && e1 != nil {
				fail("%s: start_time: %v", at, e1)
			}
			if _, has := o["stop_time"]; has && e2 != nil {
				fail("%s: stop_time: %v", at, e2)
			}
			if e1 == nil && e2 == nil && !stop.After(start) {
				fail("%s: stop_time must be later than start_time", at)
			}
		case "marking-definition":
			for l, mid := range TLPMarkingIDs {
				if mid != id {
					continue
				}
				if str(o, "name") != "TLP:"+string(l) || str(o, "created") != tlpCreated {
					fail("%s: a TLP 2.0 marking has name %q and created %s", at, "TLP:"+string(l), tlpCreated)
				}
				ext, _ := o["extensions"].(map[string]any)
				e, _ := ext[TLP2Extension].(map[string]any)
				if str(e, "extension_type") != "property-extension" || str(e, "tlp_2_0") != strings.ToLower(string(l)) {
					fail("%s: extension %s must be {extension_type: property-extension, tlp_2_0: %q}", at, TLP2Extension, strings.ToLower(string(l)))
				}
			}
		}
	}
	return errs
}

var (
	typeRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]$`)
	propRE    = regexp.MustCompile(`^[a-z0-9_]{3,250}$`)
	relTypeRE = regexp.MustCompile(`^[a-z0-9-]+$`)
	uuidRE    = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	tsRE      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$`)
)

func validID(id, typ string) bool {
	t, u, ok := strings.Cut(id, "--")
	return ok && t == typ && uuidRE.MatchString(u)
}

func timestamp(o map[string]any, k string) (time.Time, error) {
	s, ok := o[k].(string)
	if !ok {
		return time.Time{}, fmt.Errorf("missing or not a string")
	}
	if !tsRE.MatchString(s) {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 UTC timestamp ending in Z", s)
	}
	return time.Parse(time.RFC3339Nano, s)
}

// commonProps are the common properties of STIX 2.1 objects (§3.2).
var commonProps = []string{"type", "spec_version", "id", "created_by_ref", "created", "modified", "revoked", "labels",
	"confidence", "lang", "external_references", "object_marking_refs", "granular_markings", "extensions"}

// specProps are the type-specific properties STIX 2.1 defines for the types Accord uses.
var specProps = map[string][]string{
	"identity":           {"name", "description", "roles", "identity_class", "sectors", "contact_information"},
	"intrusion-set":      {"name", "description", "aliases", "first_seen", "last_seen", "goals", "resource_level", "primary_motivation", "secondary_motivations"},
	"infrastructure":     {"name", "description", "infrastructure_types", "aliases", "kill_chain_phases", "first_seen", "last_seen"},
	"location":           {"name", "description", "latitude", "longitude", "precision", "region", "country", "administrative_area", "city", "street_address", "postal_code"},
	"report":             {"name", "description", "report_types", "published", "object_refs"},
	"relationship":       {"relationship_type", "description", "source_ref", "target_ref", "start_time", "stop_time"},
	"marking-definition": {"name", "definition_type", "definition"},
	"artifact":           {"mime_type", "payload_bin", "url", "hashes", "encryption_algorithm", "decryption_key", "defanged"},
}
