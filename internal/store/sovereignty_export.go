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

// IDsOf returns the local ids of the reports, entities or links (kind "report", "entity" or
// "link") that carry this STIX id, keyed by originating agency: a STIX id is unique within its
// originator's records only, so several agencies' records may carry it. An id no record
// carries gives an empty map and no error. It ignores releasability: it serves imports by the
// node itself (the System actor), which resolve references between records already on the
// node; it must never answer a user.
func (s *Sovereignty) IDsOf(ctx context.Context, kind, stixID string) (map[string]int64, error) {
	table := map[string]string{"report": "reports", "entity": "entities", "link": "links"}[kind]
	if table == "" {
		return nil, fmt.Errorf("ids of %s: kind must be report, entity or link", kind)
	}
	rows, err := s.rdb.QueryContext(ctx, s.q(`SELECT originator, id FROM `+table+` WHERE stix_id = ?`), stixID)
	if err != nil {
		return nil, fmt.Errorf("ids of %s %s: %w", kind, stixID, err)
	}
	defer rows.Close()
	ids := map[string]int64{}
	for rows.Next() {
		var orig string
		var id int64
		if err := rows.Scan(&orig, &id); err != nil {
			return nil, fmt.Errorf("ids of %s %s: %w", kind, stixID, err)
		}
		ids[orig] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ids of %s %s: %w", kind, stixID, err)
	}
	return ids, nil
}
