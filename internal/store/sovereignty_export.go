package store

import (
	"context"
	"database/sql"
	"errors"
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

// IDOf returns the local id of the report, entity or link (kind) with this STIX id, or an
// error wrapping ErrNotFound. It ignores releasability: it serves imports by the node itself
// (the System actor), which resolve references between records already on the node.
func (s *Sovereignty) IDOf(ctx context.Context, kind, stixID string) (int64, error) {
	table := map[string]string{"report": "reports", "entity": "entities", "link": "links"}[kind]
	if table == "" {
		return 0, fmt.Errorf("id of %s: kind must be report, entity or link", kind)
	}
	var id int64
	err := s.rdb.QueryRowContext(ctx, s.q(`SELECT id FROM `+table+` WHERE stix_id = ?`), stixID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("%s %s: %w", kind, stixID, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("id of %s %s: %w", kind, stixID, err)
	}
	return id, nil
}
