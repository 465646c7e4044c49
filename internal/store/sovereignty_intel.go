package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"accord/internal/access"
	"accord/internal/intel"
	"accord/internal/ledger"
)

// MaxListLimit is the largest number of records one list or search returns.
const MaxListLimit = intel.MaxListLimit

func canWriteIntel(u access.User) bool {
	return u.Name == System.Name && u.Agency == System.Agency ||
		u.Reader() && (u.Has(access.RoleAnalyst) || u.Has(access.RoleWatchOfficer))
}

// checkOriginator requires the actor's agency to originate what it writes (the system actor,
// used by imports, may write for any agency).
func checkOriginator(actor access.User, m access.Markings) error {
	if !canWriteIntel(actor) {
		return fmt.Errorf("%w: %s may not write intelligence: analyst or watch officer role required", access.ErrForbidden, actor.Name)
	}
	if actor.Name != System.Name && m.Originator != actor.Agency {
		return fmt.Errorf("%w: originator %s: a user of %s writes records originated by %s", access.ErrForbidden, m.Originator, actor.Agency, actor.Agency)
	}
	return nil
}

// insertRel writes a record's REL TO list.
func (s *Sovereignty) insertRel(ctx context.Context, tx *sql.Tx, kind string, id int64, rel []access.Target) error {
	for _, t := range rel {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO rel_to (kind, record_id, target_type, target) VALUES (?, ?, ?, ?)`),
			kind, id, string(t.Type), t.Value); err != nil {
			return err
		}
	}
	return nil
}

// checkStixFree returns an error wrapping ErrConflict when table ("reports", "entities" or
// "links") already holds a record of originator with this STIX id. A STIX id is unique within
// its originator's records only (the unique index on (stix_id, originator), migration 10):
// records of other agencies that carry the same id are neither consulted nor revealed. Since a
// writer writes only records originated by its own agency ([checkOriginator]) and a user of the
// originating agency reads every record of it (access.CanRead, rule 2), the conflict names a
// record the writer may read, so the answer does not depend on any record hidden from it.
func (s *Sovereignty) checkStixFree(ctx context.Context, tx *sql.Tx, table, stixID, originator string) error {
	var n int
	if err := tx.QueryRowContext(ctx, s.q(`SELECT count(*) FROM `+table+` WHERE stix_id = ? AND originator = ?`), stixID, originator).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%s already has a record with this STIX id: %w", originator, ErrConflict)
	}
	return nil
}

// insertAudience writes the report_audience rows of a new report (one per audience key, see
// sovereignty_access.go) and, with SQLite, its full-text row (PostgreSQL derives its tsvector
// column itself).
func (s *Sovereignty) insertAudience(ctx context.Context, tx *sql.Tx, r intel.Report) error {
	for _, k := range access.Audiences(r.Markings) {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO report_audience (audience, observed, report_id, discipline, tlp, originator) VALUES (?, ?, ?, ?, ?, ?)`),
			k, r.Observed.UnixMilli(), r.ID, string(r.Discipline), string(r.Markings.TLP), r.Markings.Originator); err != nil {
			return fmt.Errorf("audience %s: %w", k, err)
		}
	}
	if s.dialect != DialectPostgres {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reports_fts (rowid, title, body, place) VALUES (?, ?, ?, ?)`, r.ID, r.Title, r.Text, r.Place); err != nil {
			return fmt.Errorf("full-text row: %w", err)
		}
	}
	return nil
}

// checkAgency returns ErrNotFound if the agency is unknown.
func (s *Sovereignty) checkAgency(ctx context.Context, tx *sql.Tx, code string) error {
	var n int
	if err := tx.QueryRowContext(ctx, s.q(`SELECT count(*) FROM agencies WHERE code = ?`), code).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("agency %q: %w", code, ErrNotFound)
	}
	return nil
}

// checkRel verifies that the REL TO targets exist.
func (s *Sovereignty) checkRel(ctx context.Context, tx *sql.Tx, rel []access.Target) error {
	for _, t := range rel {
		var q string
		switch t.Type {
		case access.TargetState:
			q = `SELECT count(*) FROM states WHERE code = ?`
		case access.TargetAgency:
			q = `SELECT count(*) FROM agencies WHERE code = ?`
		case access.TargetUser:
			q = `SELECT count(*) FROM users WHERE CAST(id AS TEXT) = ?`
		}
		var n int
		if err := tx.QueryRowContext(ctx, s.q(q), t.Value).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("REL TO %s: %w", t, ErrNotFound)
		}
	}
	return nil
}

// CreateReport stores a report with its attachments' content (by SHA-256; contents maps each
// attachment's hash to its bytes, and an attachment already stored needs no content) and
// returns its id. The actor must hold the analyst or watch officer role, its agency must be
// the originator, and every entity the report names must be readable by the actor. A report of
// the same originator with the same STIX id is a conflict (ErrConflict); one of another
// originator is not (see checkStixFree).
func (s *Sovereignty) CreateReport(ctx context.Context, actor access.User, r intel.Report, contents map[[32]byte][]byte) (int64, error) {
	if err := r.Validate(); err != nil {
		return 0, fmt.Errorf("create report: %w", err)
	}
	if err := checkOriginator(actor, r.Markings); err != nil {
		return 0, fmt.Errorf("create report: %w", err)
	}
	if r.StixID == "" {
		r.StixID = newStixID("report")
	}
	if r.Created.IsZero() {
		r.Created = s.now().UTC()
	}
	if r.CreatedBy == "" {
		r.CreatedBy = actor.Name
	}
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		if err := s.checkAgency(ctx, tx, r.Markings.Originator); err != nil {
			return ledger.Event{}, err
		}
		if err := s.checkRel(ctx, tx, r.Markings.RelTo); err != nil {
			return ledger.Event{}, err
		}
		if err := s.checkStixFree(ctx, tx, "reports", r.StixID, r.Markings.Originator); err != nil {
			return ledger.Event{}, fmt.Errorf("report %s: %w", r.StixID, err)
		}
		for _, m := range r.Entities {
			if err := s.entityVisibleTx(ctx, tx, actor, m.EntityID); err != nil {
				return ledger.Event{}, err
			}
		}
		var lat, lon any
		if r.Location != nil {
			lat, lon = r.Location.Lat, r.Location.Lon
		}
		if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO reports (stix_id, originator, tlp, discipline, reliability, credibility, source,
			observed, lat, lon, place, title, body, created, created_by, content_sha256, rel_to_list) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			r.StixID, r.Markings.Originator, string(r.Markings.TLP), string(r.Discipline), string(rune(r.Grade.Reliability)), r.Grade.Credibility,
			r.Source, r.Observed.UnixMilli(), lat, lon, r.Place, r.Title, r.Text, r.Created.UnixMilli(), r.CreatedBy, []byte{}, relList(r.Markings.RelTo)).Scan(&r.ID); err != nil {
			return ledger.Event{}, err
		}
		if err := s.insertRel(ctx, tx, "report", r.ID, r.Markings.RelTo); err != nil {
			return ledger.Event{}, err
		}
		if err := s.insertAudience(ctx, tx, r); err != nil {
			return ledger.Event{}, err
		}
		for _, m := range r.Entities {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO report_entities (report_id, entity_id, stance) VALUES (?, ?, ?)`), r.ID, m.EntityID, string(m.Stance)); err != nil {
				return ledger.Event{}, err
			}
		}
		for _, a := range r.Attachments {
			var have int
			if err := tx.QueryRowContext(ctx, s.q(`SELECT count(*) FROM attachments WHERE sha256 = ?`), a.SHA256[:]).Scan(&have); err != nil {
				return ledger.Event{}, err
			}
			if have == 0 {
				c, ok := contents[a.SHA256]
				if !ok {
					return ledger.Event{}, fmt.Errorf("attachment %s (%s): content missing", a.Name, a.HashHex())
				}
				if intel.NewAttachment(a.Name, a.MediaType, c).SHA256 != a.SHA256 || int64(len(c)) != a.Size {
					return ledger.Event{}, fmt.Errorf("attachment %s: content does not match its SHA-256 %s or size %d", a.Name, a.HashHex(), a.Size)
				}
				if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO attachments (sha256, size, content) VALUES (?, ?, ?)`), a.SHA256[:], a.Size, c); err != nil {
					return ledger.Event{}, err
				}
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO report_attachments (report_id, sha256, name, media_type) VALUES (?, ?, ?, ?)`),
				r.ID, a.SHA256[:], a.Name, a.MediaType); err != nil {
				return ledger.Event{}, err
			}
		}
		canon, _, _, err := intelCanon(ctx, tx, s.q, "report", r.ID)
		if err != nil {
			return ledger.Event{}, err
		}
		ev, err := event(actor, "report.create", "report", strconv.FormatInt(r.ID, 10), canon, formMeta,
			ledger.Meta{Key: "tlp", Value: string(r.Markings.TLP)})
		if err != nil {
			return ev, err
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE reports SET content_sha256 = ? WHERE id = ?`), ev.Content[:], r.ID)
		return ev, err
	})
	if err != nil {
		return 0, fmt.Errorf("create report: %w", err)
	}
	return r.ID, nil
}

const reportCols = `r.id, r.stix_id, r.originator, r.tlp, r.discipline, r.reliability, r.credibility, r.source, r.observed, r.lat, r.lon, r.place, r.title, r.body, r.created, r.created_by, r.content_sha256, r.rel_to_list`

// reportQuery builds the SELECT of reports readable with audience keys that match f, newest
// first. Two shapes, both with releasability inside the query:
//
//   - a list filtered only by discipline, originator, level, time window and cursor (the
//     common list, and exports) reads report_audience: for each key, a backward range scan
//     of the key's rows in observation order, filtered on the copied columns and cut at the
//     page size; the ranges are merged, deduplicated and cut again, and only the page's
//     reports are read. Its cost is bounded by the page size times the number of keys (at
//     most four), not by the number of reports;
//   - other filters (id, STIX id, box, text, entity) select reports with their own indexes
//     and check each candidate with reportVisible (one primary-key probe per key).
func (s *Sovereignty) reportQuery(keys []string, u access.User, f intel.ReportFilter, cols string) (string, []any, error) {
	limit := f.Limit
	switch {
	case limit == 0:
		limit = 100
	case limit > MaxListLimit:
		limit = MaxListLimit
	}
	lim := ""
	if limit > 0 {
		lim = " LIMIT " + strconv.Itoa(limit)
	}
	if b := f.BBox; b != nil && (b.MinLat > b.MaxLat || b.MinLon > b.MaxLon) {
		return "", nil, fmt.Errorf("box %v: minimum above maximum", *b)
	}
	keys = levelKeys(keys, f.TLP)
	if len(keys) == 0 {
		return s.q("SELECT " + cols + " FROM reports r WHERE 1 = 0"), nil, nil
	}
	text, err := intel.SearchText(f.Text)
	if err != nil {
		return "", nil, err
	}
	if f.ID == 0 && f.StixID == "" && f.BBox == nil && text == "" && f.EntityID == 0 {
		var cond []string
		var cargs []any
		add := func(c string, a ...any) {
			cond = append(cond, c)
			cargs = append(cargs, a...)
		}
		if f.Discipline != "" {
			add("a.discipline = ?", string(f.Discipline))
		}
		if f.Originator != "" {
			add("a.originator = ?", f.Originator)
		}
		if f.TLP != "" {
			add("a.tlp = ?", string(f.TLP))
		}
		if !f.From.IsZero() {
			add("a.observed >= ?", f.From.UnixMilli())
		}
		if !f.To.IsZero() {
			add("a.observed < ?", f.To.UnixMilli())
		}
		if f.BeforeID != 0 {
			o := f.BeforeObserved.UnixMilli()
			add("a.observed <= ? AND (a.observed < ? OR a.report_id < ?)", o, o, f.BeforeID)
		}
		// The index that serves the first filter of discipline, originator, level (migration
		// 0007); SQLite is told (it keeps no statistics on this table, and a wrong guess scans
		// every row of the key), PostgreSQL chooses with its statistics.
		from := "report_audience a"
		if s.dialect != DialectPostgres {
			switch {
			case f.Discipline != "":
				from += " INDEXED BY report_audience_discipline"
			case f.Originator != "":
				from += " INDEXED BY report_audience_originator"
			case f.TLP != "":
				from += " INDEXED BY report_audience_tlp"
			}
		}
		var parts []string
		var args []any
		for i, k := range keys {
			parts = append(parts, "SELECT observed, report_id FROM (SELECT a.observed, a.report_id FROM "+from+" WHERE "+
				strings.Join(append([]string{"a.audience = ?"}, cond...), " AND ")+" ORDER BY a.observed DESC, a.report_id DESC"+lim+") k"+strconv.Itoa(i))
			args = append(append(args, k), cargs...)
		}
		q := "SELECT " + cols + " FROM (" + strings.Join(parts, " UNION ") + " ORDER BY observed DESC, report_id DESC" + lim +
			") p JOIN reports r ON r.id = p.report_id ORDER BY r.observed DESC, r.id DESC"
		return s.q(q), args, nil
	}
	vis, args := reportVisible("r", keys)
	where := []string{vis}
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	if f.ID != 0 {
		add("r.id = ?", f.ID)
	}
	if f.StixID != "" {
		add("r.stix_id = ?", f.StixID)
	}
	if f.Discipline != "" {
		add("r.discipline = ?", string(f.Discipline))
	}
	if f.Originator != "" {
		add("r.originator = ?", f.Originator)
	}
	if f.TLP != "" {
		add("r.tlp = ?", string(f.TLP))
	}
	if !f.From.IsZero() {
		add("r.observed >= ?", f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		add("r.observed < ?", f.To.UnixMilli())
	}
	if b := f.BBox; b != nil {
		add("r.lat BETWEEN ? AND ? AND r.lon BETWEEN ? AND ?", b.MinLat, b.MaxLat, b.MinLon, b.MaxLon)
	}
	if text != "" {
		cond, arg, ok := s.textMatch("r", text)
		if !ok {
			return s.q("SELECT " + cols + " FROM reports r WHERE 1 = 0"), nil, nil
		}
		add(cond, arg)
	}
	if f.EntityID != 0 {
		// The entity must be readable too: otherwise the filter would tell which readable
		// reports name an entity the user may not see.
		evis, eargs := visible("entity", "fe", u)
		add("EXISTS (SELECT 1 FROM report_entities re JOIN entities fe ON fe.id = re.entity_id WHERE re.report_id = r.id AND re.entity_id = ? AND "+evis+")",
			append([]any{f.EntityID}, eargs...)...)
	}
	if f.BeforeID != 0 {
		o := f.BeforeObserved.UnixMilli()
		add("(r.observed < ? OR (r.observed = ? AND r.id < ?))", o, o, f.BeforeID)
	}
	q := "SELECT " + cols + " FROM reports r WHERE " + strings.Join(where, " AND ") + " ORDER BY r.observed DESC, r.id DESC" + lim
	return s.q(q), args, nil
}

// Reports returns the reports u may read that match f (list, search, map layer, get). via
// names the read path in the read log ("list", "get", "search", "map", "export", "api").
// Releasability is part of the query; AMBER and RED reads are logged on the ledger.
func (s *Sovereignty) Reports(ctx context.Context, u access.User, f intel.ReportFilter, via string) ([]intel.Report, error) {
	q, args, err := s.reportQuery(u.AudienceKeys(), u, f, reportCols)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	out, sums, err := s.scanReports(ctx, u, q, args)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	recs := make([]readRec, len(out))
	for i := range out {
		recs[i] = readRec{kind: "report", id: out[i].ID, tlp: out[i].Markings.TLP, content: sums[i]}
	}
	if err := s.logReads(ctx, u, via, recs); err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	return out, nil
}

// Report returns one report u may read; ErrNotFound when it does not exist or is not
// releasable to u (the two are indistinguishable).
func (s *Sovereignty) Report(ctx context.Context, u access.User, id int64, via string) (intel.Report, error) {
	rs, err := s.Reports(ctx, u, intel.ReportFilter{ID: id, Limit: 1}, via)
	if err != nil {
		return intel.Report{}, err
	}
	if len(rs) == 0 {
		return intel.Report{}, fmt.Errorf("report %d: %w", id, ErrNotFound)
	}
	return rs[0], nil
}

// scanReports runs a report query and completes each report (REL TO, readable mentions,
// attachments); it also returns each report's stored content hash.
func (s *Sovereignty) scanReports(ctx context.Context, u access.User, q string, args []any) ([]intel.Report, [][32]byte, error) {
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []intel.Report
	var sums [][32]byte
	for rows.Next() {
		var r intel.Report
		var tlp, disc, rel string
		var observed, created int64
		var lat, lon sql.NullFloat64
		var sum []byte
		var relTo string
		if err := rows.Scan(&r.ID, &r.StixID, &r.Markings.Originator, &tlp, &disc, &rel, &r.Grade.Credibility, &r.Source,
			&observed, &lat, &lon, &r.Place, &r.Title, &r.Text, &created, &r.CreatedBy, &sum, &relTo); err != nil {
			return nil, nil, err
		}
		if r.Markings.RelTo, err = parseRelList(relTo); err != nil {
			return nil, nil, fmt.Errorf("report %d: %w", r.ID, err)
		}
		r.Markings.TLP, r.Discipline = access.TLP(tlp), intel.Discipline(disc)
		if rel != "" {
			r.Grade.Reliability = rel[0]
		}
		r.Observed, r.Created = time.UnixMilli(observed).UTC(), time.UnixMilli(created).UTC()
		if lat.Valid && lon.Valid {
			r.Location = &intel.Point{Lat: lat.Float64, Lon: lon.Float64}
		}
		var h [32]byte
		copy(h[:], sum)
		sums = append(sums, h)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return out, sums, nil
	}
	ids := make([]int64, len(out))
	byID := map[int64]*intel.Report{}
	for i := range out {
		ids[i] = out[i].ID
		byID[out[i].ID] = &out[i]
	}
	in, inArgs := inList(ids)
	// Only entities the user may read are listed: a mention must not reveal an entity.
	evis, eargs := visible("entity", "e", u)
	rows, err = s.rdb.QueryContext(ctx, s.q(`SELECT re.report_id, re.entity_id, re.stance FROM report_entities re JOIN entities e ON e.id = re.entity_id
		WHERE re.report_id IN (`+in+`) AND `+evis+` ORDER BY re.report_id, re.entity_id`), append(inArgs, eargs...)...)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var rid int64
		var m intel.Mention
		var st string
		if err := rows.Scan(&rid, &m.EntityID, &st); err != nil {
			rows.Close()
			return nil, nil, err
		}
		m.Stance = intel.Stance(st)
		byID[rid].Entities = append(byID[rid].Entities, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows, err = s.rdb.QueryContext(ctx, s.q(`SELECT ra.report_id, ra.sha256, ra.name, ra.media_type, a.size FROM report_attachments ra
		JOIN attachments a ON a.sha256 = ra.sha256 WHERE ra.report_id IN (`+in+`) ORDER BY ra.report_id, ra.name, ra.sha256`), inArgs...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var rid int64
		var a intel.Attachment
		var h []byte
		if err := rows.Scan(&rid, &h, &a.Name, &a.MediaType, &a.Size); err != nil {
			return nil, nil, err
		}
		copy(a.SHA256[:], h)
		byID[rid].Attachments = append(byID[rid].Attachments, a)
	}
	return out, sums, rows.Err()
}

// relList is the stored form of a REL TO list (reports.rel_to_list): the targets in the
// order of rel_to's key (type, then value), comma-separated.
func relList(rel []access.Target) string {
	ts := slices.Clone(rel)
	slices.SortFunc(ts, func(a, b access.Target) int {
		if c := strings.Compare(string(a.Type), string(b.Type)); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.String()
	}
	return strings.Join(parts, ",")
}

// parseRelList reads a stored REL TO list (nil when empty).
func parseRelList(s string) ([]access.Target, error) {
	if s == "" {
		return nil, nil
	}
	var out []access.Target
	for _, p := range strings.Split(s, ",") {
		typ, v, ok := strings.Cut(p, ":")
		if !ok {
			return nil, fmt.Errorf("stored REL TO entry %q", p)
		}
		out = append(out, access.Target{Type: access.TargetType(typ), Value: v})
	}
	return out, nil
}

// inList returns "?, ?, ..." and the ids as arguments, padded with -1 (never an id) to a power
// of two, so that a few query texts (and prepared statements) serve every list length.
func inList(ids []int64) (string, []any) {
	n := 1
	for n < len(ids) {
		n *= 2
	}
	args := make([]any, n)
	for i := range args {
		args[i] = int64(-1)
	}
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", "), args
}

// loadRel reads the REL TO lists of records already selected through visible.
func (s *Sovereignty) loadRel(ctx context.Context, kind string, ids []int64, add func(int64, access.Target)) error {
	in, args := inList(ids)
	rows, err := s.rdb.QueryContext(ctx, s.q(`SELECT record_id, target_type, target FROM rel_to WHERE kind = ? AND record_id IN (`+in+`)
		ORDER BY record_id, target_type, target`), append([]any{kind}, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var typ, v string
		if err := rows.Scan(&id, &typ, &v); err != nil {
			return err
		}
		add(id, access.Target{Type: access.TargetType(typ), Value: v})
	}
	return rows.Err()
}

// Attachment returns the content of an attachment of a report u may read (ErrNotFound
// otherwise).
func (s *Sovereignty) Attachment(ctx context.Context, u access.User, reportID int64, sum [32]byte) ([]byte, error) {
	vis, args := reportVisible("r", u.AudienceKeys())
	var c, sumRec []byte
	var tlp string
	err := s.rdb.QueryRowContext(ctx, s.q(`SELECT a.content, r.tlp, r.content_sha256 FROM reports r JOIN report_attachments ra ON ra.report_id = r.id
		JOIN attachments a ON a.sha256 = ra.sha256 WHERE r.id = ? AND ra.sha256 = ? AND `+vis), append([]any{reportID, sum[:]}, args...)...).Scan(&c, &tlp, &sumRec)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("attachment %x of report %d: %w", sum, reportID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("attachment: %w", err)
	}
	if err := s.logReads(ctx, u, "attachment", []readRec{{kind: "report", id: reportID, tlp: access.TLP(tlp), content: [32]byte(padSum(sumRec))}}); err != nil {
		return nil, err
	}
	return c, nil
}

// Aggregates counts reports observed in [from, to) by month, originating state, discipline
// and level. It is the monitor's view: no report content, and only reports that u's agency
// could read (RED reports only when u's agency originated them), so a count never reveals a
// record beyond u's agency's reach.
func (s *Sovereignty) Aggregates(ctx context.Context, u access.User, from, to time.Time) ([]intel.AggregateRow, error) {
	keys := u.AggregateKeys()
	if len(keys) == 0 {
		return nil, nil
	}
	vis, args := reportVisible("r", keys)
	rows, err := s.rdb.QueryContext(ctx, s.q(`SELECT r.observed, a.state, r.discipline, r.tlp FROM reports r JOIN agencies a ON a.code = r.originator
		WHERE r.observed >= ? AND r.observed < ? AND `+vis), append([]any{from.UnixMilli(), to.UnixMilli()}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("aggregates: %w", err)
	}
	defer rows.Close()
	counts := map[intel.AggregateRow]int64{}
	for rows.Next() {
		var obs int64
		var k intel.AggregateRow
		var d, t string
		if err := rows.Scan(&obs, &k.State, &d, &t); err != nil {
			return nil, fmt.Errorf("aggregates: %w", err)
		}
		k.Month, k.Discipline, k.TLP = time.UnixMilli(obs).UTC().Format("2006-01"), intel.Discipline(d), access.TLP(t)
		counts[k]++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("aggregates: %w", err)
	}
	out := make([]intel.AggregateRow, 0, len(counts))
	for k, n := range counts {
		k.Count = n
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b intel.AggregateRow) int {
		return strings.Compare(a.Month+a.State+string(a.Discipline)+string(a.TLP), b.Month+b.State+string(b.Discipline)+string(b.TLP))
	})
	return out, nil
}
