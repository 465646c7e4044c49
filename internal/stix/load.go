package stix

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"accord/internal/access"
	"accord/internal/intel"
)

// Writer is what Load needs from the store. IDsOf returns the local ids of the records (kind
// "report", "entity" or "link") that carry a STIX id, keyed by originating agency (a STIX id is
// unique within its originator's records only); none: an empty map.
type Writer interface {
	CreateEntity(ctx context.Context, actor access.User, e intel.Entity) (int64, error)
	CreateReport(ctx context.Context, actor access.User, r intel.Report, contents map[[32]byte][]byte) (int64, error)
	CreateLink(ctx context.Context, actor access.User, l intel.Link) (int64, error)
	IDsOf(ctx context.Context, kind, stixID string) (map[string]int64, error)
}

// Counts says what Load did.
type Counts struct {
	Entities, Reports, Links int // created
	Present                  int // already on the node (same originator and STIX id), left as they are
}

// ErrAmbiguous is wrapped when a reference (a STIX id) names entities of several originators,
// none of them the referencing record's own originator, so that Load cannot tell which one it
// means; check it with errors.Is.
var ErrAmbiguous = errors.New("ambiguous reference")

// recordKey names a record across nodes: a STIX id is unique within its originator's records.
type recordKey struct{ stixID, originator string }

// Load writes an imported bundle through w as actor (the node's system actor for imports):
// entities first, then reports and links, whose references are resolved to local ids among
// the bundle's entities and those already on the node. A record whose originator already has a
// record with its STIX id on the node is left as it is (import is idempotent); a record of
// another originator with the same STIX id does not stop it. A reference (a STIX id alone)
// means the entity of the referencing record's originator with that id if there is one, else
// the only entity with that id in the bundle or on the node; several of other originators
// are an error wrapping [ErrAmbiguous], none one wrapping notFound (the store's not-found
// sentinel). Attachment contents are not in STIX bundles: a report naming an attachment the
// node does not hold fails, with its id named.
func Load(ctx context.Context, w Writer, actor access.User, b *Bundle, notFound error) (Counts, error) {
	var c Counts
	ids := map[recordKey]int64{} // entities of the bundle and of the node, once looked up
	onNode := func(kind, stixID string) (map[string]int64, error) {
		m, err := w.IDsOf(ctx, kind, stixID)
		if err != nil {
			return nil, err
		}
		if kind == "entity" {
			for orig, id := range m {
				ids[recordKey{stixID, orig}] = id
			}
		}
		return m, nil
	}
	resolve := func(ref, originator string) (int64, error) {
		if id, ok := ids[recordKey{ref, originator}]; ok {
			return id, nil
		}
		if _, err := onNode("entity", ref); err != nil {
			return 0, fmt.Errorf("reference %s: %w", ref, err)
		}
		if id, ok := ids[recordKey{ref, originator}]; ok {
			return id, nil
		}
		var found []recordKey
		for k := range ids {
			if k.stixID == ref {
				found = append(found, k)
			}
		}
		switch len(found) {
		case 0:
			return 0, fmt.Errorf("reference %s: %w", ref, notFound)
		case 1:
			return ids[found[0]], nil
		}
		origs := make([]string, len(found))
		for i, k := range found {
			origs[i] = k.originator
		}
		slices.Sort(origs)
		return 0, fmt.Errorf("reference %s from a record of %s: entities of %s carry it: %w", ref, originator, strings.Join(origs, ", "), ErrAmbiguous)
	}
	present := func(kind, stixID, originator string) (bool, error) {
		m, err := onNode(kind, stixID)
		if err != nil {
			return false, fmt.Errorf("import %s: %w", stixID, err)
		}
		_, ok := m[originator]
		return ok, nil
	}
	for _, e := range b.Entities {
		if ok, err := present("entity", e.StixID, e.Markings.Originator); err != nil || ok {
			c.Present += btoi(ok)
			if err != nil {
				return c, err
			}
			continue
		}
		id, err := w.CreateEntity(ctx, actor, e)
		if err != nil {
			return c, fmt.Errorf("import %s: %w", e.StixID, err)
		}
		ids[recordKey{e.StixID, e.Markings.Originator}] = id
		c.Entities++
	}
	for _, r := range b.Reports {
		if ok, err := present("report", r.StixID, r.Markings.Originator); err != nil || ok {
			c.Present += btoi(ok)
			if err != nil {
				return c, err
			}
			continue
		}
		rep := r.Report
		rep.Entities = nil
		for _, m := range r.Mentions {
			id, err := resolve(m.Ref, r.Markings.Originator)
			if err != nil {
				return c, fmt.Errorf("import %s: %w", r.StixID, err)
			}
			rep.Entities = append(rep.Entities, intel.Mention{EntityID: id, Stance: m.Stance})
		}
		if _, err := w.CreateReport(ctx, actor, rep, b.Contents); err != nil {
			return c, fmt.Errorf("import %s: %w", r.StixID, err)
		}
		c.Reports++
	}
	for _, l := range b.Links {
		if ok, err := present("link", l.StixID, l.Markings.Originator); err != nil || ok {
			c.Present += btoi(ok)
			if err != nil {
				return c, err
			}
			continue
		}
		lk := l.Link
		var err error
		if lk.Source, err = resolve(l.SourceRef, l.Markings.Originator); err != nil {
			return c, fmt.Errorf("import %s: %w", l.StixID, err)
		}
		if lk.Target, err = resolve(l.TargetRef, l.Markings.Originator); err != nil {
			return c, fmt.Errorf("import %s: %w", l.StixID, err)
		}
		if _, err := w.CreateLink(ctx, actor, lk); err != nil {
			return c, fmt.Errorf("import %s: %w", l.StixID, err)
		}
		c.Links++
	}
	return c, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
