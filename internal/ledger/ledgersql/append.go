package ledgersql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/bits"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb/tlog"

	"accord/internal/ledger"
)

// The append path.
//
// Each entry is one row of ledger_entries holding, next to the encoded entry, the tree hashes
// its append completed (tlog.StoredHashesForRecordHash: its leaf hash, then one parent per
// trailing 1 bit of its seq), concatenated. A stored hash at (level L, index k) is therefore
// in the row of seq (k+1)<<L - 1, at offset L: any proof is still a few point reads, and an
// append writes one row per entry instead of one per hash (measured: the separate hash
// rows were about a third of the SQLite time of an append).
//
// The seq of each record's last entry (the entry's prev) is looked up in memory first
// (lastCache), and in the record index only for records not appended since the cache was
// last known to be complete.

const (
	entriesInsert = "INSERT INTO ledger_entries (seq, record_type, record_id, entry, hashes) VALUES "
	entryCols     = 5
)

// lastSeqsQuery finds the last entry of each of rows (record_type, record_id) pairs (NULL
// for a record without entries). Each MAX is one descent of the record index, however long
// the record's history.
func lastSeqsQuery(rows int) string {
	return `SELECT k.column1, k.column2, (SELECT MAX(e.seq) FROM ledger_entries e WHERE e.record_type = k.column1 AND e.record_id = k.column2) FROM (VALUES ` +
		values(rows, 2) + `) AS k`
}

// hashRowsQuery reads the packed tree hashes of rows entries.
func hashRowsQuery(rows int) string {
	return `SELECT seq, hashes FROM ledger_entries WHERE seq IN (` + strings.TrimSuffix(strings.Repeat("?,", rows), ",") + `)`
}

// prepareAll prepares, on the writer's handle, every statement the append path uses. A
// writer limited to one connection (the store's SQLite writer) cannot prepare a statement
// while a transaction holds that connection, so none may be left to prepare on first use.
func (l *Log) prepareAll(ctx context.Context) error {
	queries := []string{headUpdate}
	for rows := 1; rows <= maxRows; rows *= 2 {
		queries = append(queries, entriesInsert+values(rows, entryCols), lastSeqsQuery(rows), hashRowsQuery(rows))
	}
	for _, q := range queries {
		q = l.d.q(q)
		s, err := l.w.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("ledger: prepare %.60s: %w", q, err)
		}
		l.stmts.Store(q, s)
	}
	return nil
}

const headUpdate = `UPDATE ledger_head SET size = size + ? WHERE id = 1 RETURNING size`

// Querier is a transaction of a driver other than database/sql (e.g. a pgx.Tx) in which
// [Log.RecordIn] appends entries. Queries come with the dialect's placeholders.
type Querier interface {
	// Exec runs a statement.
	Exec(ctx context.Context, query string, args ...any) error
	// Query runs a query and calls each for every row, with a function scanning the row's
	// columns into dest (as database/sql's Rows.Scan: *int64, *string, *[]byte).
	Query(ctx context.Context, query string, args []any, each func(scan func(dest ...any) error) error) error
}

// conn is a transaction or handle the append and read paths run their SQL on. Queries are
// written with '?' placeholders; conn rebinds them for the dialect.
type conn interface {
	exec(ctx context.Context, query string, args []any) error
	query(ctx context.Context, query string, args []any, each func(scan func(dest ...any) error) error) error
}

// txConn runs statements in a database/sql transaction of the writer, through the statements
// prepared at Open.
type txConn struct {
	l  *Log
	tx *sql.Tx
}

func (c txConn) exec(ctx context.Context, query string, args []any) error {
	st, err := c.l.stmt(ctx, c.tx, query)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ctx, args...)
	return err
}

func (c txConn) query(ctx context.Context, query string, args []any, each func(scan func(...any) error) error) error {
	st, err := c.l.stmt(ctx, c.tx, query)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	return eachRow(rows, each)
}

// dbConn runs queries on a *sql.DB (reads).
type dbConn struct {
	d  Dialect
	db *sql.DB
}

func (c dbConn) exec(ctx context.Context, query string, args []any) error {
	_, err := c.db.ExecContext(ctx, c.d.q(query), args...)
	return err
}

func (c dbConn) query(ctx context.Context, query string, args []any, each func(scan func(...any) error) error) error {
	rows, err := c.db.QueryContext(ctx, c.d.q(query), args...)
	if err != nil {
		return err
	}
	return eachRow(rows, each)
}

func eachRow(rows *sql.Rows, each func(scan func(...any) error) error) error {
	for rows.Next() {
		if err := each(rows.Scan); err != nil {
			rows.Close()
			return err
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	return rows.Err()
}

// foreignConn runs statements in a [Querier].
type foreignConn struct {
	d Dialect
	q Querier
}

func (c foreignConn) exec(ctx context.Context, query string, args []any) error {
	return c.q.Exec(ctx, c.d.q(query), args...)
}

func (c foreignConn) query(ctx context.Context, query string, args []any, each func(scan func(...any) error) error) error {
	return c.q.Query(ctx, c.d.q(query), args, each)
}

type recKey struct{ typ, id string }

// lastCache holds the seq of the last entry of recently appended records, correct as of tree
// size size: a record absent from m may still have entries (look it up in the database). It
// is trusted only by a transaction that finds the head at exactly size, i.e. when nothing was
// appended since by another transaction ([Log.Record], another process) or lost by a rollback.
type lastCache struct {
	mu   sync.Mutex
	size int64 // -1: unknown
	m    map[recKey]int64
}

// maxCached bounds the records remembered; the cache is emptied when it would exceed it.
const maxCached = 1 << 17

// lookup fills out with the cached last seqs of keys, if the cache is valid at size start,
// and returns the keys it does not know.
func (c *lastCache) lookup(start int64, keys []recKey, out map[recKey]int64) []recKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.size != start {
		return keys
	}
	missing := keys[:0:0]
	for _, k := range keys {
		if s, ok := c.m[k]; ok {
			out[k] = s
		} else {
			missing = append(missing, k)
		}
	}
	return missing
}

// committed records that a transaction which found the head at start committed entries up to
// end, the last of each record being last.
func (c *lastCache) committed(start, end int64, last map[recKey]int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || c.size != start || len(c.m)+len(last) > maxCached {
		c.m = make(map[recKey]int64, len(last))
	}
	for k, s := range last {
		c.m[k] = s
	}
	c.size = end
}

// appended is the outcome of appendEvents, to apply to the cache once committed.
type appended struct {
	seqs       []int64
	start, end int64
	last       map[recKey]int64
}

// RecordIn appends evs inside q, a transaction of another driver (e.g. pgx.Tx) on the
// ledger's database that also holds the change the events describe; the entries are durable
// when the caller commits. As with [Log.Record], the transaction holds the ledger's head lock
// from this call until it ends, so call it last, just before committing. The returned seqs
// are valid only if the transaction commits.
func (l *Log) RecordIn(ctx context.Context, q Querier, evs ...ledger.Event) ([]int64, error) {
	for i := range evs {
		if err := l.prepare(&evs[i]); err != nil {
			return nil, err
		}
	}
	if len(evs) == 0 {
		return nil, nil
	}
	a, err := l.appendEvents(ctx, foreignConn{l.d, q}, evs)
	if err != nil {
		return nil, err
	}
	return a.seqs, nil
}

// appendEvents assigns seqs to validated events and writes their entries and tree hashes.
func (l *Log) appendEvents(ctx context.Context, c conn, evs []ledger.Event) (appended, error) {
	n := int64(len(evs))
	// Take the head lock (SQLite: the write lock; PostgreSQL: the row lock) and reserve seqs.
	if err := l.hook("head", false); err != nil {
		return appended{}, err
	}
	end := int64(-1)
	err := c.query(ctx, headUpdate, []any{n}, func(scan func(...any) error) error { return scan(&end) })
	if err == nil && end < 0 {
		err = errors.New("no head row")
	}
	if err != nil {
		return appended{}, fmt.Errorf("ledger: head: %w", err)
	}
	if err := l.hook("head", true); err != nil {
		return appended{}, err
	}
	start := end - n

	prev, err := l.lastSeqs(ctx, c, start, evs)
	if err != nil {
		return appended{}, err
	}
	a := appended{seqs: make([]int64, n), start: start, end: end, last: prev}
	encoded := make([][]byte, n)
	for i := range evs {
		seq := start + int64(i)
		k := recKey{evs[i].RecordType, evs[i].RecordID}
		p, ok := prev[k]
		if !ok {
			p = -1
		}
		e := ledger.Entry{Seq: seq, Prev: p, Event: evs[i]}
		b, err := e.Marshal()
		if err != nil {
			return appended{}, err
		}
		a.seqs[i], encoded[i] = seq, b
		prev[k] = seq
	}

	// Tree hashes: new ones in memory, earlier ones (the right edge) from the database.
	overlay := make(map[int64]tlog.Hash, 2*n+64)
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		var missing []int64
		for i, x := range idx {
			h, ok := overlay[x]
			if !ok {
				missing = append(missing, x)
				continue
			}
			out[i] = h
		}
		if len(missing) > 0 {
			got, err := readHashes(ctx, c, missing, true)
			if err != nil {
				return nil, err
			}
			for i, x := range idx {
				if h, ok := got[x]; ok {
					out[i] = h
					overlay[x] = h
				} else if _, ok := overlay[x]; !ok {
					return nil, fmt.Errorf("ledger: stored hash %d is missing", x)
				}
			}
		}
		return out, nil
	})
	// All of the batch's hashes in one allocation: entry i's are packed[off[i]:off[i+1]].
	total := 0
	for i := range encoded {
		total += 1 + bits.TrailingZeros64(^uint64(a.seqs[i]))
	}
	packed := make([]byte, 0, total*tlog.HashSize)
	rows := make([]any, 0, entryCols*n)
	for i, b := range encoded {
		seq := a.seqs[i]
		hs, err := tlog.StoredHashesForRecordHash(seq, ledger.LeafHash(b), reader)
		if err != nil {
			return appended{}, fmt.Errorf("ledger: compute tree hashes: %w", err)
		}
		base := tlog.StoredHashIndex(0, seq)
		from := len(packed)
		for j, h := range hs {
			overlay[base+int64(j)] = h
			packed = append(packed, h[:]...)
		}
		rows = append(rows, seq, evs[i].RecordType, evs[i].RecordID, b, packed[from:len(packed):len(packed)])
	}
	if err := l.insertRows(ctx, c, "entries", entriesInsert, entryCols, rows); err != nil {
		return appended{}, err
	}
	return a, nil
}

// maxRows is the largest number of rows in one multi-row statement. Batches are split into
// statements of power-of-two sizes up to maxRows, so a handful of prepared statements serve
// any batch without parsing SQL again.
const maxRows = 256

// chunk returns the number of rows of the next statement for n remaining rows.
func chunk(n int) int {
	if n >= maxRows {
		return maxRows
	}
	c := 1
	for c*2 <= n {
		c *= 2
	}
	return c
}

// stmt returns the statement for query within tx: one prepared at Open (prepareAll), or
// else one prepared on tx's own connection for this transaction only.
func (l *Log) stmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	query = l.d.q(query)
	if s, ok := l.stmts.Load(query); ok {
		return tx.StmtContext(ctx, s.(*sql.Stmt)), nil
	}
	return tx.PrepareContext(ctx, query)
}

// insertRows inserts rows given flat, cols values per row, in multi-row statements.
func (l *Log) insertRows(ctx context.Context, c conn, point, prefix string, cols int, flat []any) error {
	for len(flat) > 0 {
		rows := chunk(len(flat) / cols)
		if err := l.hook(point, false); err != nil {
			return err
		}
		if err := c.exec(ctx, prefix+values(rows, cols), flat[:rows*cols]); err != nil {
			return fmt.Errorf("ledger: %s: %w", point, err)
		}
		if err := l.hook(point, true); err != nil {
			return err
		}
		flat = flat[rows*cols:]
	}
	return nil
}

// lastSeqs returns the seq of the last entry of each record the events concern, as of tree
// size start (records without entries are absent).
func (l *Log) lastSeqs(ctx context.Context, c conn, start int64, evs []ledger.Event) (map[recKey]int64, error) {
	keys := make([]recKey, 0, len(evs))
	seen := make(map[recKey]bool, len(evs))
	for _, ev := range evs {
		k := recKey{ev.RecordType, ev.RecordID}
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	out := make(map[recKey]int64, len(keys))
	keys = l.last.lookup(start, keys, out)
	for len(keys) > 0 {
		ch := keys[:chunk(len(keys))]
		keys = keys[len(ch):]
		args := make([]any, 0, 2*len(ch))
		for _, k := range ch {
			args = append(args, k.typ, k.id)
		}
		err := c.query(ctx, lastSeqsQuery(len(ch)), args, func(scan func(...any) error) error {
			var k recKey
			var s sql.NullInt64
			if err := scan(&k.typ, &k.id, &s); err != nil {
				return err
			}
			if s.Valid {
				out[k] = s.Int64
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("ledger: find previous entries: %w", err)
		}
	}
	return out, nil
}

// hashesOf returns the number of tree hashes stored with entry seq: its leaf hash and one
// parent per trailing 1 bit of seq.
func hashesOf(seq int64) int { return 1 + bits.TrailingZeros64(^uint64(seq)) }

// hashRow returns the entry whose row holds stored hash idx, and the hash's offset in it.
func hashRow(idx int64) (seq int64, off int) {
	level, n := tlog.SplitStoredHashIndex(idx)
	return (n+1)<<level - 1, level
}

// readHashes reads stored tree hashes from the entries' rows. With padded, it pads its IN
// lists to the prepared power-of-two sizes.
func readHashes(ctx context.Context, c conn, idx []int64, padded bool) (map[int64]tlog.Hash, error) {
	want := make(map[int64][]int64, len(idx)) // seq -> wanted hash indices in its row
	seqs := make([]int64, 0, len(idx))
	for _, x := range idx {
		s, _ := hashRow(x)
		if _, ok := want[s]; !ok {
			seqs = append(seqs, s)
		}
		want[s] = append(want[s], x)
	}
	out := make(map[int64]tlog.Hash, len(idx))
	for len(seqs) > 0 {
		n := min(len(seqs), 1000)
		if padded {
			n = chunk(len(seqs))
		}
		ch := seqs[:n]
		seqs = seqs[n:]
		args := make([]any, len(ch))
		for i, s := range ch {
			args[i] = s
		}
		err := c.query(ctx, hashRowsQuery(len(ch)), args, func(scan func(...any) error) error {
			var s int64
			var b []byte
			if err := scan(&s, &b); err != nil {
				return err
			}
			if len(b) != hashesOf(s)*tlog.HashSize {
				return fmt.Errorf("the hashes of entry %d are %d bytes, want %d", s, len(b), hashesOf(s)*tlog.HashSize)
			}
			for _, x := range want[s] {
				_, off := hashRow(x)
				out[x] = tlog.Hash(b[off*tlog.HashSize : (off+1)*tlog.HashSize])
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read tree hashes: %w", err)
		}
	}
	return out, nil
}

// hashReader reads committed tree hashes.
func (r *Reader) hashReader(ctx context.Context) tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		got, err := readHashes(ctx, dbConn{r.d, r.db}, idx, false)
		if err != nil {
			return nil, err
		}
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			h, ok := got[x]
			if !ok {
				return nil, fmt.Errorf("ledger: stored hash %d is missing", x)
			}
			out[i] = h
		}
		return out, nil
	})
}

// firstSeqAt returns the smallest seq whose leaf hash is stored at index idx or later.
func firstSeqAt(idx int64) int64 {
	lo, hi := int64(0), idx+1 // StoredHashIndex(0, n) >= n
	for lo < hi {
		m := lo + (hi-lo)/2
		if tlog.StoredHashIndex(0, m) >= idx {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// StoredHashes implements [ledger.LogReader]. The hashes of an entry whose packed hashes have
// the wrong length are all left out (so they show as missing).
func (r *Reader) StoredHashes(ctx context.Context, from, to int64) ([]ledger.StoredHash, error) {
	if to <= from {
		return nil, nil
	}
	var out []ledger.StoredHash
	err := dbConn{r.d, r.db}.query(ctx, `SELECT seq, hashes FROM ledger_entries WHERE seq >= ? AND seq < ? ORDER BY seq`,
		[]any{firstSeqAt(from), firstSeqAt(to)}, func(scan func(...any) error) error {
			var s int64
			var b []byte
			if err := scan(&s, &b); err != nil {
				return err
			}
			if s < 0 || len(b) != hashesOf(s)*tlog.HashSize {
				return nil
			}
			base := tlog.StoredHashIndex(0, s)
			for j := 0; j < len(b)/tlog.HashSize; j++ {
				if x := base + int64(j); x >= from && x < to {
					out = append(out, ledger.StoredHash{Index: x, Hash: tlog.Hash(b[j*tlog.HashSize : (j+1)*tlog.HashSize])})
				}
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read tree hashes: %w", err)
	}
	return out, nil
}
