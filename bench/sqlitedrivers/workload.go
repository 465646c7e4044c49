// Package sqlitedrivers compares SQLite drivers for Go on Accord's store workload: bulk inserts
// of AIS positions in batched transactions, and a point read of a vessel's latest position.
//
// Each driver lives in its own sub-package (modernc, mattn, ncruces) because two of them register
// the same database/sql driver name ("sqlite3") and cannot share one test binary. All three run
// the identical workload defined here, through database/sql, on one connection, with the pragmas
// the store uses (WAL journal, the synchronous level under test, 64 MiB page cache).
//
// Run: go test -run '^$' -bench . -benchtime 3x ./...   (from this directory; see README.md).
package sqlitedrivers

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Schema is the positions table as the store lays it out for SQLite: times in Unix milliseconds,
// NULL for "not available" values, rows in the order written and no per-row secondary index.
const Schema = `
CREATE TABLE positions (
	id INTEGER PRIMARY KEY,
	mmsi INTEGER NOT NULL,
	t INTEGER NOT NULL,
	lat REAL NOT NULL,
	lon REAL NOT NULL,
	sog REAL,
	cog REAL,
	heading REAL,
	nav_status INTEGER,
	msg_type INTEGER NOT NULL,
	feed_id INTEGER NOT NULL,
	raw_id INTEGER
);
`

// TrackIndex is the per-row (mmsi, t) index the store does not have: the variant "index=mmsi_t"
// measures what it would cost.
const TrackIndex = `CREATE INDEX positions_mmsi_t ON positions(mmsi, t);`

const cols = 11

// BatchRows is the number of positions per transaction, about what ingest hands the store
// at 200,000 messages/s with a 25 ms flush interval.
const BatchRows = 5000

// Opener opens a database/sql handle on a file path with the driver under test.
type Opener func(path string) (*sql.DB, error)

type row struct {
	mmsi              int64
	t                 int64
	lat, lon          float64
	sog, cog, heading any
	nav, msgType      int64
	feed, raw         int64
}

func makeRows(n int, seed uint64) []row {
	r := rand.New(rand.NewPCG(seed, 1))
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	rows := make([]row, n)
	for i := range rows {
		var hdg any = float64(r.IntN(360))
		if i%7 == 0 {
			hdg = nil // not available
		}
		rows[i] = row{
			mmsi: 200000000 + int64(r.IntN(20000)), t: t0 + int64(i)*5,
			lat: -90 + 180*r.Float64(), lon: -180 + 360*r.Float64(),
			sog: 30 * r.Float64(), cog: 360 * r.Float64(), heading: hdg,
			nav: int64(r.IntN(16)), msgType: 1, feed: 1, raw: int64(i / 500),
		}
	}
	return rows
}

func open(tb testing.TB, o Opener, sync string, index bool) *sql.DB {
	tb.Helper()
	db, err := o(filepath.Join(tb.TempDir(), "bench.db"))
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	tb.Cleanup(func() { db.Close() })
	for _, p := range []string{
		"PRAGMA busy_timeout=5000", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=" + sync,
		"PRAGMA cache_size=-65536", "PRAGMA temp_store=MEMORY",
	} {
		if _, err := db.Exec(p); err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
	}
	if _, err := db.Exec(Schema); err != nil {
		tb.Fatal(err)
	}
	if index {
		if _, err := db.Exec(TrackIndex); err != nil {
			tb.Fatal(err)
		}
	}
	return db
}

func insertSQL(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO positions (mmsi,t,lat,lon,sog,cog,heading,nav_status,msg_type,feed_id,raw_id) VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?,?,?)")
	}
	return b.String()
}

// writeBatch inserts rows in one transaction, perStmt rows per prepared INSERT.
func writeBatch(ctx context.Context, db *sql.DB, rows []row, perStmt int, args []any) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	full, err := tx.PrepareContext(ctx, insertSQL(perStmt))
	if err != nil {
		return err
	}
	defer full.Close()
	for len(rows) > 0 {
		n := min(perStmt, len(rows))
		args = args[:0]
		for _, r := range rows[:n] {
			args = append(args, r.mmsi, r.t, r.lat, r.lon, r.sog, r.cog, r.heading, r.nav, r.msgType, r.feed, r.raw)
		}
		st := full
		if n < perStmt {
			if st, err = tx.PrepareContext(ctx, insertSQL(n)); err != nil {
				return err
			}
			defer st.Close()
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return tx.Commit()
}

// BenchInsert measures positions inserted per second, BatchRows per transaction and perStmt rows
// per multi-row INSERT, at the given synchronous level (NORMAL or FULL), with or without the
// per-row (mmsi, t) index.
func BenchInsert(b *testing.B, o Opener, perStmt int, sync string, index bool) {
	db := open(b, o, sync, index)
	ctx := context.Background()
	rows := makeRows(BatchRows, 1)
	args := make([]any, 0, perStmt*cols)
	total := 0
	start := time.Now()
	for b.Loop() {
		if err := writeBatch(ctx, db, rows, perStmt, args); err != nil {
			b.Fatal(err)
		}
		total += len(rows)
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "rows/s")
}

// BenchPointRead measures reading one row by primary key (as the store reads a vessel's latest
// position) in a table of 200,000 positions.
func BenchPointRead(b *testing.B, o Opener) {
	db := open(b, o, "NORMAL", false)
	ctx := context.Background()
	rows := makeRows(200000, 2)
	args := make([]any, 0, 200*cols)
	for i := 0; i < len(rows); i += BatchRows {
		if err := writeBatch(ctx, db, rows[i:min(i+BatchRows, len(rows))], 200, args); err != nil {
			b.Fatal(err)
		}
	}
	st, err := db.PrepareContext(ctx, "SELECT t, lat, lon, sog, cog, heading, nav_status FROM positions WHERE id = ?")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var (
		t, nav             int64
		lat, lon, sog, cog float64
		hdg                sql.NullFloat64
	)
	i := 0
	for b.Loop() {
		id := 1 + i%len(rows)
		i += 7919
		if err := st.QueryRowContext(ctx, id).Scan(&t, &lat, &lon, &sog, &cog, &hdg, &nav); err != nil {
			b.Fatal(err)
		}
	}
}

// makeLines returns n NMEA-like lines with random 6-bit payloads (as hard to compress as real
// AIS payloads, which are dense bit fields).
func makeLines(n int) []string {
	const sixbit = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw"
	r := rand.New(rand.NewPCG(3, 4))
	lines := make([]string, n)
	var p [28]byte
	for i := range lines {
		for k := range p {
			p[k] = sixbit[r.IntN(len(sixbit))]
		}
		lines[i] = "!AIVDM,1,1,,A," + string(p[:]) + ",0*24"
	}
	return lines
}

// BenchEvidenceRows measures keeping raw sentences as one row each (feed, receive time, line),
// BatchRows per transaction, 256 rows per INSERT.
func BenchEvidenceRows(b *testing.B, o Opener) {
	db := open(b, o, "FULL", false)
	ctx := context.Background()
	if _, err := db.Exec(`CREATE TABLE raw (id INTEGER PRIMARY KEY, feed_id INTEGER NOT NULL, t INTEGER NOT NULL, line TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	lines := makeLines(BatchRows)
	q := "INSERT INTO raw (feed_id, t, line) VALUES " + strings.TrimSuffix(strings.Repeat("(?,?,?),", 256), ",")
	args := make([]any, 0, 256*3)
	total := 0
	start := time.Now()
	for b.Loop() {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i+256 <= len(lines); i += 256 {
			args = args[:0]
			for k, l := range lines[i : i+256] {
				args = append(args, int64(1), int64(1700000000000+i+k), l)
			}
			if _, err := st.ExecContext(ctx, args...); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		total += len(lines) / 256 * 256
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "lines/s")
}

// BenchEvidenceGzip measures keeping the same sentences as the store does: one row per batch
// holding the records "<ms>\t<line>\n" gzip-compressed (BestSpeed) with their SHA-256.
func BenchEvidenceGzip(b *testing.B, o Opener) {
	db := open(b, o, "FULL", false)
	ctx := context.Background()
	if _, err := db.Exec(`CREATE TABLE evidence (id INTEGER PRIMARY KEY, feed_id INTEGER NOT NULL, lines INTEGER NOT NULL, sha256 BLOB NOT NULL, payload BLOB NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	lines := makeLines(BatchRows)
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	var raw []byte
	total, size, packed := 0, 0, 0
	start := time.Now()
	for b.Loop() {
		raw = raw[:0]
		for i, l := range lines {
			raw = strconv.AppendInt(raw, int64(1700000000000+i), 10)
			raw = append(raw, '\t')
			raw = append(raw, l...)
			raw = append(raw, '\n')
		}
		var z bytes.Buffer
		zw.Reset(&z)
		zw.Write(raw)
		zw.Close()
		sum := sha256.Sum256(raw)
		if _, err := db.ExecContext(ctx, `INSERT INTO evidence (feed_id, lines, sha256, payload) VALUES (1, ?, ?, ?)`, len(lines), sum[:], z.Bytes()); err != nil {
			b.Fatal(err)
		}
		total += len(lines)
		size, packed = len(raw), z.Len()
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "lines/s")
	b.ReportMetric(float64(packed)/float64(size), "ratio")
}

// Run runs the whole comparison for one driver.
func Run(b *testing.B, o Opener) {
	for _, c := range []struct {
		perStmt int
		sync    string
		index   bool
	}{
		{1, "FULL", false}, {256, "NORMAL", false}, {256, "FULL", false}, {256, "FULL", true},
	} {
		name := fmt.Sprintf("insert/perStmt=%d/sync=%s", c.perStmt, c.sync)
		if c.index {
			name += "/index=mmsi_t"
		}
		b.Run(name, func(b *testing.B) { BenchInsert(b, o, c.perStmt, c.sync, c.index) })
	}
	b.Run("pointread", func(b *testing.B) { BenchPointRead(b, o) })
	b.Run("evidence/rows", func(b *testing.B) { BenchEvidenceRows(b, o) })
	b.Run("evidence/gzip", func(b *testing.B) { BenchEvidenceGzip(b, o) })
}
