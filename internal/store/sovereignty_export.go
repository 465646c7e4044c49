package store

import (
	"context"
	"fmt"
	"strconv"

	"accord/internal/access"
	"accord/internal/intel"
	"accord/internal/ledger"
)

// Export returns the reports matching f, and all entities and links, that u may read — the
// releasability rules are in each query, as on every read path — and records the export on
// the ledger (action "records.export", with the counts), besides the read log of AMBER and RED
// records.
func (s *Sovereignty) Export(ctx context.Context, u access.User, f intel.ReportFilter) (intel.Export, error) {
	var x intel.Export
	var err error
	f.Limit = -1
	if x.Reports, err = s.Reports(ctx, u, f, "export"); err != nil {
		return intel.Export{}, fmt.Errorf("export: %w", err)
	}
	if x.Entities, err = s.Entities(ctx, u, intel.EntityFilter{Limit: -1}, "export"); err != nil {
		return intel.Export{}, fmt.Errorf("export: %w", err)
	}
	if x.Links, err = s.Links(ctx, u, intel.LinkFilter{Limit: -1}, "export"); err != nil {
		return intel.Export{}, fmt.Errorf("export: %w", err)
	}
	if x.Agencies, err = s.Agencies(ctx); err != nil {
		return intel.Export{}, fmt.Errorf("export: %w", err)
	}
	ids := map[string][]int64{}
	for _, r := range x.Reports {
		ids["reports"] = append(ids["reports"], r.ID)
	}
	for _, e := range x.Entities {
		ids["entities"] = append(ids["entities"], e.ID)
	}
	for _, l := range x.Links {
		ids["links"] = append(ids["links"], l.ID)
	}
	// The content hash commits to exactly which records left the node.
	ev, err := event(u, "records.export", "export", newStixID("bundle"), ids,
		ledger.Meta{Key: "entities", Value: strconv.Itoa(len(x.Entities))},
		ledger.Meta{Key: "links", Value: strconv.Itoa(len(x.Links))},
		ledger.Meta{Key: "reports", Value: strconv.Itoa(len(x.Reports))})
	if err != nil {
		return intel.Export{}, err
	}
	if _, err := s.append(ctx, ev); err != nil {
		return intel.Export{}, fmt.Errorf("export: log on the ledger: %w", err)
	}
	return x, nil
}
