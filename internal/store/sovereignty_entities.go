package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"accord/internal/access"
	"accord/internal/intel"
	"accord/internal/ledger"
)

// entityVisibleTx returns ErrNotFound unless entity id exists and u may read it.
func (s *Sovereignty) entityVisibleTx(ctx context.Context, q querier, u access.User, id int64) error {
	if u.Name == System.Name && u.Agency == System.Agency {
		var n int
		if err := q.QueryRowContext(ctx, s.q(`SELECT count(*) FROM entities WHERE id = ?`), id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("entity %d: %w", id, ErrNotFound)
		}
		return nil
	}
	vis, args := visible("entity", "e", u)
	var n int
	if err := q.QueryRowContext(ctx, s.q(`SELECT count(*) FROM entities e WHERE e.id = ? AND `+vis), append([]any{id}, args...)...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("entity %d: %w", id, ErrNotFound)
	}
	return nil
}

// CreateEntity stores an entity (its identifiers are normalised) and returns its id. An entity
// of the same originator with the same STIX id is a conflict (ErrConflict); one of another
// originator is not (see checkStixFree).
func (s *Sovereignty) CreateEntity(ctx context.Context, actor access.User, e intel.Entity) (int64, error) {
	if err := e.Validate(); err != nil {
		return 0, fmt.Errorf("create entity: %w", err)
	}
	if err := checkOriginator(actor, e.Markings); err != nil {
		return 0, fmt.Errorf("create entity: %w", err)
	}
	if e.StixID == "" {
		typ := "identity"
		switch e.Kind {
		case intel.Place, intel.Tunnel:
			typ = "location"
		case intel.Cartel:
			typ = "intrusion-set"
		case intel.Vessel, intel.Vehicle:
			typ = "infrastructure"
		}
		e.StixID = newStixID(typ)
	}
	if e.Created.IsZero() {
		e.Created = s.now().UTC()
	}
	if e.CreatedBy == "" {
		e.CreatedBy = actor.Name
	}
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		if err := s.checkAgency(ctx, tx, e.Markings.Originator); err != nil {
			return ledger.Event{}, err
		}
		if err := s.checkRel(ctx, tx, e.Markings.RelTo); err != nil {
			return ledger.Event{}, err
		}
		if err := s.checkStixFree(ctx, tx, "entities", e.StixID, e.Markings.Originator); err != nil {
			return ledger.Event{}, fmt.Errorf("entity %s: %w", e.StixID, err)
		}
		var lat, lon any
		if e.Location != nil {
			lat, lon = e.Location.Lat, e.Location.Lon
		}
		if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO entities (stix_id, kind, name, originator, tlp, lat, lon, created, created_by, content_sha256)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			e.StixID, string(e.Kind), e.Name, e.Markings.Originator, string(e.Markings.TLP), lat, lon, e.Created.UnixMilli(), e.CreatedBy, []byte{}).Scan(&e.ID); err != nil {
			return ledger.Event{}, err
		}
		if err := s.insertRel(ctx, tx, "entity", e.ID, e.Markings.RelTo); err != nil {
			return ledger.Event{}, err
		}
		for _, a := range e.Aliases {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO entity_aliases (entity_id, alias) VALUES (?, ?)`), e.ID, a); err != nil {
				return ledger.Event{}, err
			}
		}
		for _, id := range e.Identifiers {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO entity_identifiers (entity_id, scheme, value) VALUES (?, ?, ?)`), e.ID, string(id.Scheme), id.Value); err != nil {
				return ledger.Event{}, err
			}
		}
		canon, _, _, err := intelCanon(ctx, tx, s.q, "entity", e.ID)
		if err != nil {
			return ledger.Event{}, err
		}
		ev, err := event(actor, "entity.create", "entity", strconv.FormatInt(e.ID, 10), canon, formMeta, ledger.Meta{Key: "tlp", Value: string(e.Markings.TLP)})
		if err != nil {
			return ev, err
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE entities SET content_sha256 = ? WHERE id = ?`), ev.Content[:], e.ID)
		return ev, err
	})
	if err != nil {
		return 0, fmt.Errorf("create entity: %w", err)
	}
	return e.ID, nil
}

// Entities returns the entities u may read that match f; releasability is in the query.
func (s *Sovereignty) Entities(ctx context.Context, u access.User, f intel.EntityFilter, via string) ([]intel.Entity, error) {
	vis, args := visible("entity", "e", u)
	where := []string{vis}
	add := func(c string, a ...any) {
		where = append(where, c)
		args = append(args, a...)
	}
	if f.ID != 0 {
		add("e.id = ?", f.ID)
	}
	if f.StixID != "" {
		add("e.stix_id = ?", f.StixID)
	}
	if f.Kind != "" {
		add("e.kind = ?", string(f.Kind))
	}
	t, err := intel.SearchText(f.Text)
	if err != nil {
		return nil, fmt.Errorf("entities: %w", err)
	}
	if t != "" {
		p := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(t)) + "%"
		add(`(lower(e.name) LIKE ? ESCAPE '\' OR EXISTS (SELECT 1 FROM entity_aliases al WHERE al.entity_id = e.id AND lower(al.alias) LIKE ? ESCAPE '\'))`, p, p)
	}
	if f.Identifier != nil {
		n, err := intel.NormaliseIdentifier(*f.Identifier)
		if err != nil {
			return nil, fmt.Errorf("entities: %w", err)
		}
		add("EXISTS (SELECT 1 FROM entity_identifiers ei WHERE ei.entity_id = e.id AND ei.scheme = ? AND ei.value = ?)", string(n.Scheme), n.Value)
	}
	q := `SELECT e.id, e.stix_id, e.kind, e.name, e.originator, e.tlp, e.lat, e.lon, e.created, e.created_by, e.content_sha256 FROM entities e WHERE ` +
		strings.Join(where, " AND ") + " ORDER BY e.id"
	limit := f.Limit
	switch {
	case limit == 0:
		limit = 100
	case limit > MaxListLimit:
		limit = MaxListLimit
	}
	if limit > 0 {
		q += " LIMIT " + strconv.Itoa(limit)
	}
	rows, err := s.rdb.QueryContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("entities: %w", err)
	}
	var out []intel.Entity
	var sums [][32]byte
	for rows.Next() {
		var e intel.Entity
		var sum []byte
		var kind, tlp string
		var lat, lon sql.NullFloat64
		var created int64
		if err := rows.Scan(&e.ID, &e.StixID, &kind, &e.Name, &e.Markings.Originator, &tlp, &lat, &lon, &created, &e.CreatedBy, &sum); err != nil {
			rows.Close()
			return nil, fmt.Errorf("entities: %w", err)
		}
		e.Kind, e.Markings.TLP, e.Created = intel.EntityKind(kind), access.TLP(tlp), time.UnixMilli(created).UTC()
		if lat.Valid && lon.Valid {
			e.Location = &intel.Point{Lat: lat.Float64, Lon: lon.Float64}
		}
		sums = append(sums, [32]byte(padSum(sum)))
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("entities: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	byID := map[int64]*intel.Entity{}
	for i := range out {
		ids[i] = out[i].ID
		byID[out[i].ID] = &out[i]
	}
	if err := s.loadRel(ctx, "entity", ids, func(id int64, t access.Target) {
		byID[id].Markings.RelTo = append(byID[id].Markings.RelTo, t)
	}); err != nil {
		return nil, fmt.Errorf("entities: %w", err)
	}
	in, inArgs := inList(ids)
	rows, err = s.rdb.QueryContext(ctx, s.q(`SELECT entity_id, alias FROM entity_aliases WHERE entity_id IN (`+in+`) ORDER BY entity_id, alias`), inArgs...)
	if err != nil {
		return nil, fmt.Errorf("entities: %w", err)
	}
	for rows.Next() {
		var id int64
		var a string
		if err := rows.Scan(&id, &a); err != nil {
			rows.Close()
			return nil, err
		}
		byID[id].Aliases = append(byID[id].Aliases, a)
	}
	rows.Close()
	rows, err = s.rdb.QueryContext(ctx, s.q(`SELECT entity_id, scheme, value FROM entity_identifiers WHERE entity_id IN (`+in+`) ORDER BY entity_id, scheme, value`), inArgs...)
	if err != nil {
		return nil, fmt.Errorf("entities: %w", err)
	}
	for rows.Next() {
		var id int64
		var sc, v string
		if err := rows.Scan(&id, &sc, &v); err != nil {
			rows.Close()
			return nil, err
		}
		byID[id].Identifiers = append(byID[id].Identifiers, intel.Identifier{Scheme: intel.Scheme(sc), Value: v})
	}
	rows.Close()
	recs := make([]readRec, len(out))
	for i := range out {
		recs[i] = readRec{kind: "entity", id: out[i].ID, tlp: out[i].Markings.TLP, content: sums[i]}
	}
	if err := s.logReads(ctx, u, via, recs); err != nil {
		return nil, fmt.Errorf("entities: %w", err)
	}
	return out, nil
}

// Entity returns one entity u may read (ErrNotFound otherwise).
func (s *Sovereignty) Entity(ctx context.Context, u access.User, id int64, via string) (intel.Entity, error) {
	es, err := s.Entities(ctx, u, intel.EntityFilter{ID: id, Limit: 1}, via)
	if err != nil {
		return intel.Entity{}, err
	}
	if len(es) == 0 {
		return intel.Entity{}, fmt.Errorf("entity %d: %w", id, ErrNotFound)
	}
	return es[0], nil
}

// CreateLink stores a link between two entities the actor may read, and returns its id. A
// link of the same originator with the same STIX id is a conflict (ErrConflict); one of
// another originator is not (see checkStixFree).
func (s *Sovereignty) CreateLink(ctx context.Context, actor access.User, l intel.Link) (int64, error) {
	if err := l.Validate(); err != nil {
		return 0, fmt.Errorf("create link: %w", err)
	}
	if err := checkOriginator(actor, l.Markings); err != nil {
		return 0, fmt.Errorf("create link: %w", err)
	}
	if l.StixID == "" {
		l.StixID = newStixID("relationship")
	}
	if l.Created.IsZero() {
		l.Created = s.now().UTC()
	}
	if l.CreatedBy == "" {
		l.CreatedBy = actor.Name
	}
	err := s.write(ctx, func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
		for _, id := range []int64{l.Source, l.Target} {
			if err := s.entityVisibleTx(ctx, tx, actor, id); err != nil {
				return ledger.Event{}, err
			}
		}
		if err := s.checkAgency(ctx, tx, l.Markings.Originator); err != nil {
			return ledger.Event{}, err
		}
		if err := s.checkRel(ctx, tx, l.Markings.RelTo); err != nil {
			return ledger.Event{}, err
		}
		if err := s.checkStixFree(ctx, tx, "links", l.StixID, l.Markings.Originator); err != nil {
			return ledger.Event{}, fmt.Errorf("link %s: %w", l.StixID, err)
		}
		var to any
		if !l.ValidTo.IsZero() {
			to = l.ValidTo.UnixMilli()
		}
		if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO links (stix_id, source_id, target_id, kind, valid_from, valid_to, originator, tlp, created, created_by, content_sha256)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			l.StixID, l.Source, l.Target, l.Kind, l.ValidFrom.UnixMilli(), to, l.Markings.Originator, string(l.Markings.TLP), l.Created.UnixMilli(), l.CreatedBy, []byte{}).Scan(&l.ID); err != nil {
			return ledger.Event{}, err
		}
		if err := s.insertRel(ctx, tx, "link", l.ID, l.Markings.RelTo); err != nil {
			return ledger.Event{}, err
		}
		canon, _, _, err := intelCanon(ctx, tx, s.q, "link", l.ID)
		if err != nil {
			return ledger.Event{}, err
		}
		ev, err := event(actor, "link.create", "link", strconv.FormatInt(l.ID, 10), canon, formMeta, ledger.Meta{Key: "tlp", Value: string(l.Markings.TLP)})
		if err != nil {
			return ev, err
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE links SET content_sha256 = ? WHERE id = ?`), ev.Content[:], l.ID)
		return ev, err
	})
	if err != nil {
		return 0, fmt.Errorf("create link: %w", err)
	}
	return l.ID, nil
}

// Links returns the links u may read whose two entities u may also read.
func (s *Sovereignty) Links(ctx context.Context, u access.User, f intel.LinkFilter, via string) ([]intel.Link, error) {
	lv, args := visible("link", "l", u)
	sv, sargs := visible("entity", "es", u)
	tv, targs := visible("entity", "et", u)
	where := []string{lv, sv, tv}
	args = append(append(args, sargs...), targs...)
	if f.EntityID != 0 {
		where = append(where, "(l.source_id = ? OR l.target_id = ?)")
		args = append(args, f.EntityID, f.EntityID)
	}
	if !f.At.IsZero() {
		where = append(where, "l.valid_from <= ? AND (l.valid_to IS NULL OR l.valid_to > ?)")
		args = append(args, f.At.UnixMilli(), f.At.UnixMilli())
	}
	q := `SELECT l.id, l.stix_id, l.source_id, l.target_id, l.kind, l.valid_from, l.valid_to, l.originator, l.tlp, l.created, l.created_by, l.content_sha256
		FROM links l JOIN entities es ON es.id = l.source_id JOIN entities et ON et.id = l.target_id WHERE ` + strings.Join(where, " AND ") + ` ORDER BY l.id`
	limit := f.Limit
	switch {
	case limit == 0:
		limit = 100
	case limit > MaxListLimit:
		limit = MaxListLimit
	}
	if limit > 0 {
		q += " LIMIT " + strconv.Itoa(limit)
	}
	rows, err := s.rdb.QueryContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	var out []intel.Link
	var sums [][32]byte
	for rows.Next() {
		var l intel.Link
		var sum []byte
		var from, created int64
		var to sql.NullInt64
		var tlp string
		if err := rows.Scan(&l.ID, &l.StixID, &l.Source, &l.Target, &l.Kind, &from, &to, &l.Markings.Originator, &tlp, &created, &l.CreatedBy, &sum); err != nil {
			rows.Close()
			return nil, fmt.Errorf("links: %w", err)
		}
		l.ValidFrom, l.Markings.TLP, l.Created = time.UnixMilli(from).UTC(), access.TLP(tlp), time.UnixMilli(created).UTC()
		if to.Valid {
			l.ValidTo = time.UnixMilli(to.Int64).UTC()
		}
		sums = append(sums, [32]byte(padSum(sum)))
		out = append(out, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	byID := map[int64]*intel.Link{}
	for i := range out {
		ids[i] = out[i].ID
		byID[out[i].ID] = &out[i]
	}
	if err := s.loadRel(ctx, "link", ids, func(id int64, t access.Target) {
		byID[id].Markings.RelTo = append(byID[id].Markings.RelTo, t)
	}); err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	recs := make([]readRec, len(out))
	for i := range out {
		recs[i] = readRec{kind: "link", id: out[i].ID, tlp: out[i].Markings.TLP, content: sums[i]}
	}
	if err := s.logReads(ctx, u, via, recs); err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	return out, nil
}

// Corroboration scores a claim for u from the reports u may read that support or contradict
// it: the entity must be readable by u (ErrNotFound otherwise), the reports observed in the
// claim's window and, when the claim has a centre, located within its radius. Reports
// without a location do not bear on a claim with a centre.
func (s *Sovereignty) Corroboration(ctx context.Context, u access.User, c intel.Claim, p intel.Params) (intel.Score, error) {
	if err := s.entityVisibleTx(ctx, s.rdb, u, c.EntityID); err != nil || !u.Reader() {
		return intel.Score{}, fmt.Errorf("corroboration: entity %d: %w", c.EntityID, ErrNotFound)
	}
	vis, args := reportVisible("r", u.AudienceKeys())
	where := []string{vis, "re.entity_id = ?", "re.stance IN ('supports', 'contradicts')"}
	args = append(args, c.EntityID)
	if !c.From.IsZero() {
		where = append(where, "r.observed >= ?")
		args = append(args, c.From.UnixMilli())
	}
	if !c.To.IsZero() {
		where = append(where, "r.observed <= ?")
		args = append(args, c.To.UnixMilli())
	}
	radius := c.RadiusNM
	if radius <= 0 {
		radius = intel.DefaultRadiusNM
	}
	if c.Center != nil {
		if !c.Center.Valid() {
			return intel.Score{}, fmt.Errorf("corroboration: centre %v off the globe", *c.Center)
		}
		// A box around the circle (1 nm = 1/60 degree of latitude) narrows the scan; the exact
		// distance is checked below.
		dLat := radius/60 + 1e-9
		where = append(where, "r.lat BETWEEN ? AND ?")
		args = append(args, c.Center.Lat-dLat, c.Center.Lat+dLat)
	}
	rows, err := s.rdb.QueryContext(ctx, s.q(`SELECT r.id, r.originator, r.source, r.discipline, r.reliability, r.credibility, r.observed, re.stance, r.lat, r.lon, r.tlp, r.content_sha256
		FROM reports r JOIN report_entities re ON re.report_id = r.id WHERE `+strings.Join(where, " AND ")+` ORDER BY r.id LIMIT 10000`), args...)
	if err != nil {
		return intel.Score{}, fmt.Errorf("corroboration: %w", err)
	}
	var evs []intel.Evidence
	var recs []readRec
	for rows.Next() {
		var e intel.Evidence
		var disc, rel, stance, tlp string
		var obs int64
		var lat, lon sql.NullFloat64
		var sum []byte
		if err := rows.Scan(&e.ReportID, &e.Originator, &e.Source, &disc, &rel, &e.Grade.Credibility, &obs, &stance, &lat, &lon, &tlp, &sum); err != nil {
			rows.Close()
			return intel.Score{}, fmt.Errorf("corroboration: %w", err)
		}
		if c.Center != nil && (!lat.Valid || !lon.Valid || intel.DistanceNM(*c.Center, intel.Point{Lat: lat.Float64, Lon: lon.Float64}) > radius) {
			continue
		}
		e.Discipline, e.Stance, e.Observed = intel.Discipline(disc), intel.Stance(stance), time.UnixMilli(obs).UTC()
		if rel != "" {
			e.Grade.Reliability = rel[0]
		}
		evs = append(evs, e)
		recs = append(recs, readRec{kind: "report", id: e.ReportID, tlp: access.TLP(tlp), content: [32]byte(padSum(sum))})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return intel.Score{}, fmt.Errorf("corroboration: %w", err)
	}
	if p.Now.IsZero() {
		p.Now = s.now()
	}
	sc, err := intel.Corroborate(c, evs, p)
	if err != nil {
		return intel.Score{}, fmt.Errorf("corroboration: %w", err)
	}
	if err := s.logReads(ctx, u, "corroboration", recs); err != nil {
		return intel.Score{}, err
	}
	return sc, nil
}
