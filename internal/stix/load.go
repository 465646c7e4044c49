package stix

import (
	"context"
	"errors"
	"fmt"

	"accord/internal/access"
	"accord/internal/intel"
)

// Writer is what Load needs from the store. IDOf returns the local id of a record by STIX id
// (kind "report", "entity" or "link"), wrapping notFound when absent.
type Writer interface {
	CreateEntity(ctx context.Context, actor access.User, e intel.Entity) (int64, error)
	CreateReport(ctx context.Context, actor access.User, r intel.Report, contents map[[32]byte][]byte) (int64, error)
	CreateLink(ctx context.Context, actor access.User, l intel.Link) (int64, error)
	IDOf(ctx context.Context, kind, stixID string) (int64, error)
}

// Counts says what Load did.
type Counts struct {
	Entities, Reports, Links int // created
	Present                  int // already on the node (same STIX id), left as they are
}

// Load writes an imported bundle through w as actor (the node's system actor for imports):
// entities first, then reports and links, whose references are resolved to local ids among
// the bundle's entities and those already on the node. A record whose STIX id is already on
// the node is left as it is (import is idempotent). Attachment contents are not in STIX
// bundles: a report naming an attachment the node does not hold fails, with its id named.
// notFound is the store's not-found sentinel.
func Load(ctx context.Context, w Writer, actor access.User, b *Bundle, notFound error) (Counts, error) {
	var c Counts
	ids := map[string]int64{}
	resolve := func(ref string) (int64, error) {
		if id, ok := ids[ref]; ok {
			return id, nil
		}
		id, err := w.IDOf(ctx, "entity", ref)
		if err != nil {
			return 0, fmt.Errorf("reference %s: %w", ref, err)
		}
		ids[ref] = id
		return id, nil
	}
	present := func(kind, stixID string) (bool, error) {
		id, err := w.IDOf(ctx, kind, stixID)
		if err == nil {
			if kind == "entity" {
				ids[stixID] = id
			}
			return true, nil
		}
		if errors.Is(err, notFound) {
			return false, nil
		}
		return false, err
	}
	for _, e := range b.Entities {
		if ok, err := present("entity", e.StixID); err != nil || ok {
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
		ids[e.StixID] = id
		c.Entities++
	}
	for _, r := range b.Reports {
		if ok, err := present("report", r.StixID); err != nil || ok {
			c.Present += btoi(ok)
			if err != nil {
				return c, err
			}
			continue
		}
		rep := r.Report
		rep.Entities = nil
		for _, m := range r.Mentions {
			id, err := resolve(m.Ref)
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
		if ok, err := present("link", l.StixID); err != nil || ok {
			c.Present += btoi(ok)
			if err != nil {
				return c, err
			}
			continue
		}
		lk := l.Link
		var err error
		if lk.Source, err = resolve(l.SourceRef); err != nil {
			return c, fmt.Errorf("import %s: %w", l.StixID, err)
		}
		if lk.Target, err = resolve(l.TargetRef); err != nil {
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
