package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/ncruces/go-sqlite3"

	"accord/internal/ingest"
	"accord/internal/ledger"
	"accord/internal/ledger/ledgersql"
	"accord/internal/vessel"
)

// Position batches on the ledger.
//
// Every batch written by [Store.WriteBatch] appends, in its own transaction, one ledger entry
// per feed it concerns: record type "position_batch", record id the feed's name (so each
// feed's batches form one chain of entries), actor the system acting for the feed's
// originator agency (and that agency's state), action "positions.ingest", content the SHA-256
// of the feed's part of the batch in the canonical form below, and metadata with counts only
// (positions, statics, sentences) and the feed's TLP level. The dialect's writeBatch calls
// the seal last, just before committing (see sealBatch).

// PositionBatchRecordType is the ledger record type of written position batches.
const PositionBatchRecordType = "position_batch"

// PositionBatchAction is the action of a position batch's ledger entry.
const PositionBatchAction = "positions.ingest"

// sealFunc writes a batch's ledger entries inside the batch's transaction q.
type sealFunc func(ctx context.Context, q ledgersql.Querier, p *plan) error

// sealBatch appends the ledger entries of the batch planned in p inside q, the batch's
// transaction.
func (s *Store) sealBatch(ctx context.Context, q ledgersql.Querier, p *plan) error {
	if s.led == nil || s.led.log == nil {
		return errors.New("ledger: the store was opened read-only for the ledger (Config.LedgerReadOnly): batches cannot be recorded")
	}
	evidence, err := p.evidence()
	if err != nil {
		return err
	}
	evs, err := batchEvents(ctx, q, s.led.dialect, p, evidence)
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	if len(evs) == 0 {
		return nil
	}
	if _, err := s.led.log.RecordIn(ctx, q, evs...); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	return nil
}

// batchEvents returns one event per feed of the batch, in feed name order.
func batchEvents(ctx context.Context, q ledgersql.Querier, d ledgersql.Dialect, p *plan, evidence []evidenceBlock) ([]ledger.Event, error) {
	stats := map[string]*ingest.FeedStats{}
	names := make([]string, 0, len(p.feeds)+len(p.refs))
	for i := range p.feeds {
		stats[p.feeds[i].Name] = &p.feeds[i]
		names = append(names, p.feeds[i].Name)
	}
	names = append(names, p.refs...)
	if len(names) == 0 {
		return nil, nil
	}
	slices.Sort(names)
	ev := map[string]*evidenceBlock{}
	for i := range evidence {
		ev[evidence[i].feed] = &evidence[i]
	}
	markings := d.Rebind(`SELECT f.originator, f.tlp, COALESCE(a.state, '') FROM feeds f LEFT JOIN agencies a ON a.code = f.originator WHERE f.name = ?`)
	out := make([]ledger.Event, 0, len(names))
	for _, name := range names {
		var originator, tlp, state string
		found := false
		err := q.Query(ctx, markings, []any{name}, func(scan func(...any) error) error {
			found = true
			return scan(&originator, &tlp, &state)
		})
		if err == nil && !found {
			err = errors.New("not stored")
		}
		if err != nil {
			return nil, fmt.Errorf("feed %q: %w", name, err)
		}
		if state == "" {
			state = "node" // an originator not (yet) registered as an agency
		}
		c := batchContent{feed: name, originator: originator, tlp: tlp, stats: stats[name], evidence: ev[name]}
		sum, np, ns := c.hash(p)
		nl := 0
		if e := ev[name]; e != nil {
			nl = e.lines
		}
		out = append(out, ledger.Event{
			Time:       p.now,
			Actor:      ledger.Actor{User: "system", Agency: originator, State: state},
			Action:     PositionBatchAction,
			RecordType: PositionBatchRecordType,
			RecordID:   name,
			Content:    sum,
			Meta: []ledger.Meta{
				{Key: "positions", Value: strconv.Itoa(np)},
				{Key: "sentences", Value: strconv.Itoa(nl)},
				{Key: "statics", Value: strconv.Itoa(ns)},
				{Key: "tlp", Value: tlp},
			},
		})
	}
	return out, nil
}

// batchContent is one feed's part of a batch.
type batchContent struct {
	feed, originator, tlp string
	stats                 *ingest.FeedStats // nil when the batch carries no counters for the feed
	evidence              *evidenceBlock    // nil when the batch has no raw sentences of the feed
}

// canonicalNaN is the one NaN of the encoding ("not available"): the IEEE 754 quiet NaN.
const canonicalNaN = 0x7ff8000000000000

// hash returns the SHA-256 of the canonical content of the feed's part of the batch, and the
// number of positions and static reports in it. The canonical content (version 1) is
//
//	"accord.position_batch/v1\n"
//	"feed " name "\n" "originator " agency "\n" "tlp " level "\n"
//	"counters " lines sentences messages bad-checksum incomplete unparseable other dropped "\n"
//	    (decimal, space-separated; "counters -\n" when the batch carries none)
//	"positions " n "\n", then n records of 54 bytes, in the order written: MMSI (uint32),
//	    time (int64 Unix ms), lat, lon, SOG, COG, heading (IEEE 754 bits, any NaN as
//	    0x7ff8000000000000), navigational status (int8, -1 for none), message type (uint8), all big-endian
//	"statics " m "\n", then m records, by MMSI: MMSI, IMO (uint32), ship type (int32),
//	    length, beam, draught (float64 bits), class B (1 byte), time (int64 Unix ms), then
//	    name, call sign, destination, flag (each uint16 length + UTF-8 bytes)
//	"evidence " lines " " first-ms " " last-ms " " sha256-hex "\n" (or "evidence -\n"): the
//	    evidence row of the feed's raw sentences in this batch
//
// Times have the store's millisecond precision.
func (c *batchContent) hash(p *plan) (sum [32]byte, positions, statics int) {
	h := sha256.New()
	b := make([]byte, 0, 4096)
	b = append(b, "accord.position_batch/v1\nfeed "+c.feed+"\noriginator "+c.originator+"\ntlp "+c.tlp+"\ncounters "...)
	if f := c.stats; f != nil {
		for i, v := range []int64{f.Lines, f.Sentences, f.Messages, f.BadChecksum, f.Incomplete, f.Unparseable, f.Other, f.Dropped} {
			if i > 0 {
				b = append(b, ' ')
			}
			b = strconv.AppendInt(b, v, 10)
		}
	} else {
		b = append(b, '-')
	}
	b = append(b, '\n')
	for i := range p.positions {
		if p.positions[i].Source == c.feed {
			positions++
		}
	}
	b = append(b, "positions "...)
	b = strconv.AppendInt(b, int64(positions), 10)
	b = append(b, '\n')
	for i := range p.positions {
		v := &p.positions[i]
		if v.Source != c.feed {
			continue
		}
		b = appendPosition(b, v)
		b = flush(h, b)
	}
	for i := range p.statics {
		if p.statics[i].Source == c.feed {
			statics++
		}
	}
	b = append(b, "statics "...)
	b = strconv.AppendInt(b, int64(statics), 10)
	b = append(b, '\n')
	for i := range p.statics {
		v := &p.statics[i]
		if v.Source != c.feed {
			continue
		}
		b = appendStatic(b, v)
		b = flush(h, b)
	}
	if e := c.evidence; e != nil {
		b = append(b, "evidence "...)
		b = strconv.AppendInt(b, int64(e.lines), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, ms(e.first), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, ms(e.last), 10)
		b = append(b, ' ')
		b = hex.AppendEncode(b, e.sum[:])
		b = append(b, '\n')
	} else {
		b = append(b, "evidence -\n"...)
	}
	h.Write(b)
	h.Sum(sum[:0])
	return sum, positions, statics
}

// flush writes b to h once it is large, and returns the buffer to reuse.
func flush(h hash.Hash, b []byte) []byte {
	if len(b) < 3072 {
		return b
	}
	h.Write(b)
	return b[:0]
}

func f64(b []byte, v float64) []byte {
	if math.IsNaN(v) {
		return binary.BigEndian.AppendUint64(b, canonicalNaN)
	}
	return binary.BigEndian.AppendUint64(b, math.Float64bits(v))
}

func appendPosition(b []byte, v *vessel.Position) []byte {
	b = binary.BigEndian.AppendUint32(b, v.MMSI)
	b = binary.BigEndian.AppendUint64(b, uint64(ms(v.Time)))
	b = f64(b, v.Lat)
	b = f64(b, v.Lon)
	b = f64(b, v.SOG)
	b = f64(b, v.COG)
	b = f64(b, v.Heading)
	nav := int8(-1)
	if v.NavStatus >= 0 && v.NavStatus <= 127 {
		nav = int8(v.NavStatus)
	}
	return append(b, byte(nav), byte(v.MsgType))
}

func appendStatic(b []byte, v *vessel.Static) []byte {
	b = binary.BigEndian.AppendUint32(b, v.MMSI)
	b = binary.BigEndian.AppendUint32(b, v.IMO)
	b = binary.BigEndian.AppendUint32(b, uint32(int32(v.ShipType)))
	b = f64(b, v.Length)
	b = f64(b, v.Beam)
	b = f64(b, v.Draught)
	classB := byte(0)
	if v.ClassB {
		classB = 1
	}
	b = append(b, classB)
	b = binary.BigEndian.AppendUint64(b, uint64(ms(v.Time)))
	for _, s := range []string{v.Name, v.CallSign, v.Destination, v.Flag} {
		if len(s) > math.MaxUint16 {
			s = s[:math.MaxUint16]
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
		b = append(b, s...)
	}
	return b
}

// pgxQuerier is a pgx transaction as a [ledgersql.Querier].
type pgxQuerier struct{ tx pgx.Tx }

func (q pgxQuerier) Exec(ctx context.Context, query string, args ...any) error {
	_, err := q.tx.Exec(ctx, query, args...)
	return err
}

func (q pgxQuerier) Query(ctx context.Context, query string, args []any, each func(scan func(...any) error) error) error {
	rows, err := q.tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// sqliteQuerier is a connection of the SQLite driver's own API (in a transaction) as a
// [ledgersql.Querier]. It binds int64, int, string, []byte and nil, and scans into *int64,
// *string, *[]byte and *sql.NullInt64: what the ledger's statements use.
type sqliteQuerier struct{ conn *sqlite3.Conn }

func (q sqliteQuerier) prepare(query string, args []any) (*sqlite3.Stmt, error) {
	st, _, err := q.conn.Prepare(query)
	if err != nil {
		return nil, err
	}
	for i, a := range args {
		switch v := a.(type) {
		case int64:
			err = st.BindInt64(i+1, v)
		case int:
			err = st.BindInt64(i+1, int64(v))
		case string:
			err = st.BindText(i+1, v)
		case []byte:
			err = st.BindBlob(i+1, v)
		case nil:
			err = st.BindNull(i + 1)
		default:
			err = fmt.Errorf("argument %d: unsupported type %T", i+1, a)
		}
		if err != nil {
			st.Close()
			return nil, err
		}
	}
	return st, nil
}

func (q sqliteQuerier) Exec(ctx context.Context, query string, args ...any) error {
	st, err := q.prepare(query, args)
	if err != nil {
		return err
	}
	return errors.Join(st.Exec(), st.Close())
}

func (q sqliteQuerier) Query(ctx context.Context, query string, args []any, each func(scan func(...any) error) error) error {
	st, err := q.prepare(query, args)
	if err != nil {
		return err
	}
	defer st.Close()
	scan := func(dest ...any) error {
		for i, d := range dest {
			switch v := d.(type) {
			case *int64:
				*v = st.ColumnInt64(i)
			case *string:
				*v = st.ColumnText(i)
			case *[]byte:
				*v = st.ColumnBlob(i, nil)
			case *sql.NullInt64:
				v.Valid = st.ColumnType(i) != sqlite3.NULL
				v.Int64 = st.ColumnInt64(i)
			default:
				return fmt.Errorf("column %d: unsupported type %T", i, d)
			}
		}
		return nil
	}
	for st.Step() {
		if err := each(scan); err != nil {
			return err
		}
	}
	return st.Err()
}
