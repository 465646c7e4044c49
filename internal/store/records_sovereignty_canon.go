package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"accord/internal/ledger"
)

// Canonical content of entities, links and reports (row form).
//
// The content hash of an entity, link or report entry whose metadata holds
// {formKey, formRow} is the SHA-256 of the JSON of the record's canonical content, which is
// a pure function of its stored rows: every column of the record's row except
// content_sha256 (times as the stored Unix milliseconds), its REL TO rows, and
//
//   - entity: its aliases and identifiers;
//   - report: its entity mentions, and its attachments with the SHA-256 of each attachment's
//     stored content (so an edit of the content is seen too).
//
// Lists are sorted in Go by byte order (not by the database's collation), so both dialects
// give the same form. The writer computes the form by reading back, inside its transaction,
// the rows it has just written; the record source (records_sovereignty.go) computes it the
// same way from the committed rows.
//
// Entries written before this form (no formKey in their metadata) hashed a value that
// cannot be recomputed from the rows; their records are checked against the stored
// content_sha256 only.

const (
	formKey = "form"
	formRow = "row-1"
)

// formMeta is the metadata that marks an entry's content as the row form.
var formMeta = ledger.Meta{Key: formKey, Value: formRow}

type canonTarget struct{ Type, Value string }

type canonEntity struct {
	ID                                  int64
	StixID, Kind, Name, Originator, TLP string
	Lat, Lon                            *float64
	Created                             int64
	CreatedBy                           string
	RelTo                               []canonTarget
	Aliases                             []string
	Identifiers                         [][2]string
}

type canonLink struct {
	ID, Source, Target int64
	StixID, Kind       string
	ValidFrom          int64
	ValidTo            *int64
	Originator, TLP    string
	Created            int64
	CreatedBy          string
	RelTo              []canonTarget
}

type canonMention struct {
	Entity int64
	Stance string
}

type canonAttachment struct {
	SHA256, Name, MediaType string
	Size                    int64
	Content                 string // hex SHA-256 of the stored content
}

type canonReport struct {
	ID                                               int64
	StixID, Originator, TLP, Discipline, Reliability string
	Credibility                                      int64
	Source                                           string
	Observed                                         int64
	Lat, Lon                                         *float64
	Place, Title, Body                               string
	Created                                          int64
	CreatedBy, RelToList                             string
	RelTo                                            []canonTarget
	Entities                                         []canonMention
	Attachments                                      []canonAttachment
}

func nullF(n sql.NullFloat64) *float64 {
	if !n.Valid {
		return nil
	}
	return &n.Float64
}

// canonRel reads a record's REL TO rows, sorted by type then value.
func canonRel(ctx context.Context, db querier, q func(string) string, kind string, id int64) ([]canonTarget, error) {
	rows, err := db.QueryContext(ctx, q(`SELECT target_type, target FROM rel_to WHERE kind = ? AND record_id = ?`), kind, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []canonTarget
	for rows.Next() {
		var t canonTarget
		if err := rows.Scan(&t.Type, &t.Value); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b canonTarget) int {
		if c := strings.Compare(a.Type, b.Type); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out, nil
}

// scanAll runs a query and calls scan for each row.
func scanAll(ctx context.Context, db querier, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// intelCanon returns the canonical content (row form) of the entity, link or report id and
// the content_sha256 stored in its row; found is false when the row does not exist.
func intelCanon(ctx context.Context, db querier, q func(string) string, kind string, id int64) (content any, stored []byte, found bool, err error) {
	switch kind {
	case "entity":
		var e canonEntity
		var lat, lon sql.NullFloat64
		err = db.QueryRowContext(ctx, q(`SELECT id, stix_id, kind, name, originator, tlp, lat, lon, created, created_by, content_sha256 FROM entities WHERE id = ?`), id).
			Scan(&e.ID, &e.StixID, &e.Kind, &e.Name, &e.Originator, &e.TLP, &lat, &lon, &e.Created, &e.CreatedBy, &stored)
		if err != nil {
			break
		}
		e.Lat, e.Lon = nullF(lat), nullF(lon)
		if e.RelTo, err = canonRel(ctx, db, q, kind, id); err != nil {
			break
		}
		if err = scanAll(ctx, db, q(`SELECT alias FROM entity_aliases WHERE entity_id = ?`), []any{id}, func(r *sql.Rows) error {
			var a string
			err := r.Scan(&a)
			e.Aliases = append(e.Aliases, a)
			return err
		}); err != nil {
			break
		}
		slices.Sort(e.Aliases)
		if err = scanAll(ctx, db, q(`SELECT scheme, value FROM entity_identifiers WHERE entity_id = ?`), []any{id}, func(r *sql.Rows) error {
			var p [2]string
			err := r.Scan(&p[0], &p[1])
			e.Identifiers = append(e.Identifiers, p)
			return err
		}); err != nil {
			break
		}
		slices.SortFunc(e.Identifiers, func(a, b [2]string) int { return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1]) })
		content = e
	case "link":
		var l canonLink
		var to sql.NullInt64
		err = db.QueryRowContext(ctx, q(`SELECT id, stix_id, source_id, target_id, kind, valid_from, valid_to, originator, tlp, created, created_by, content_sha256 FROM links WHERE id = ?`), id).
			Scan(&l.ID, &l.StixID, &l.Source, &l.Target, &l.Kind, &l.ValidFrom, &to, &l.Originator, &l.TLP, &l.Created, &l.CreatedBy, &stored)
		if err != nil {
			break
		}
		if to.Valid {
			l.ValidTo = &to.Int64
		}
		if l.RelTo, err = canonRel(ctx, db, q, kind, id); err != nil {
			break
		}
		content = l
	case "report":
		var r canonReport
		var lat, lon sql.NullFloat64
		err = db.QueryRowContext(ctx, q(`SELECT id, stix_id, originator, tlp, discipline, reliability, credibility, source, observed, lat, lon, place, title, body, created, created_by, rel_to_list, content_sha256
			FROM reports WHERE id = ?`), id).
			Scan(&r.ID, &r.StixID, &r.Originator, &r.TLP, &r.Discipline, &r.Reliability, &r.Credibility, &r.Source, &r.Observed, &lat, &lon,
				&r.Place, &r.Title, &r.Body, &r.Created, &r.CreatedBy, &r.RelToList, &stored)
		if err != nil {
			break
		}
		r.Lat, r.Lon = nullF(lat), nullF(lon)
		if r.RelTo, err = canonRel(ctx, db, q, kind, id); err != nil {
			break
		}
		if err = scanAll(ctx, db, q(`SELECT entity_id, stance FROM report_entities WHERE report_id = ?`), []any{id}, func(rs *sql.Rows) error {
			var m canonMention
			err := rs.Scan(&m.Entity, &m.Stance)
			r.Entities = append(r.Entities, m)
			return err
		}); err != nil {
			break
		}
		slices.SortFunc(r.Entities, func(a, b canonMention) int {
			if a.Entity != b.Entity {
				return compareInt(a.Entity, b.Entity)
			}
			return strings.Compare(a.Stance, b.Stance)
		})
		if err = scanAll(ctx, db, q(`SELECT ra.sha256, ra.name, ra.media_type, a.size, a.content FROM report_attachments ra
			LEFT JOIN attachments a ON a.sha256 = ra.sha256 WHERE ra.report_id = ?`), []any{id}, func(rs *sql.Rows) error {
			var h, c []byte
			var size sql.NullInt64
			var a canonAttachment
			if err := rs.Scan(&h, &a.Name, &a.MediaType, &size, &c); err != nil {
				return err
			}
			a.SHA256, a.Size = fmt.Sprintf("%x", h), size.Int64
			if size.Valid { // a missing attachments row leaves Content empty
				a.Content = fmt.Sprintf("%x", sha256.Sum256(c))
			}
			r.Attachments = append(r.Attachments, a)
			return nil
		}); err != nil {
			break
		}
		slices.SortFunc(r.Attachments, func(a, b canonAttachment) int {
			return bytes.Compare([]byte(a.SHA256+"\x00"+a.Name), []byte(b.SHA256+"\x00"+b.Name))
		})
		content = r
	default:
		return nil, nil, false, fmt.Errorf("record type %q has no row form", kind)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, fmt.Errorf("%s %d: %w", kind, id, err)
	}
	return content, stored, true, nil
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// lastEntryForm returns the last ledger entry of a record and whether its metadata marks
// its content as the row form.
func lastEntryForm(ctx context.Context, db querier, q func(string) string, recordType string, id int64) (*ledger.Entry, bool, error) {
	var b []byte
	err := db.QueryRowContext(ctx, q(`SELECT entry FROM ledger_entries WHERE record_type = ? AND record_id = ? ORDER BY seq DESC LIMIT 1`),
		recordType, strconv.FormatInt(id, 10)).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("%s %d: last ledger entry: %w", recordType, id, err)
	}
	e, err := ledger.ParseEntry(b)
	if err != nil {
		return nil, false, nil // verification reports the unreadable entry itself
	}
	for _, m := range e.Meta {
		if m.Key == formKey {
			return e, m.Value == formRow, nil
		}
	}
	return e, false, nil
}
