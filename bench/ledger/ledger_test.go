// Package ledger benchmarks Accord's tamper-evident ledger: durable group-committed appends
// in SQLite and PostgreSQL, and offline inclusion-proof checks. Run ./run.sh.
package ledger

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/ncruces/go-sqlite3/driver"
	"golang.org/x/mod/sumdb/tlog"

	"accord/internal/ledger"
	"accord/internal/ledger/ledgersql"
	"accord/internal/store"
)

func openSQLite(b *testing.B) (*sql.DB, ledgersql.Dialect) {
	dsn := "file:" + filepath.Join(b.TempDir(), "ledger.db") +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(20000)&_txlock=immediate"
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db, ledgersql.SQLite
}

func openPostgres(b *testing.B) (*sql.DB, ledgersql.Dialect) {
	base := os.Getenv("ACCORD_TEST_POSTGRES")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	admin, err := sql.Open("pgx", base)
	if err == nil {
		err = admin.Ping()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			b.Fatalf("PostgreSQL unreachable: %v", err)
		}
		b.Skipf("PostgreSQL at %s unreachable: %v", base, err)
	}
	var r [6]byte
	rand.Read(r[:])
	schema := "ledger_bench_" + hex.EncodeToString(r[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() })
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	db, err := sql.Open("pgx", base+sep+"search_path="+schema)
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(8)
	b.Cleanup(func() { db.Close() })
	return db, ledgersql.Postgres
}

func openLog(b *testing.B, db *sql.DB, d ledgersql.Dialect) *ledgersql.Log {
	key, err := ledger.LoadOrCreateKey(filepath.Join(b.TempDir(), "ledger.key"), "accord.bench/ledger")
	if err != nil {
		b.Fatal(err)
	}
	l, err := ledgersql.Open(context.Background(), db, ledgersql.Config{Dialect: d, Key: key})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	return l
}

var when = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// cpuTime returns the CPU time (user + system) the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportRate reports ops per second of wall time and the process's CPU time per op (all
// goroutines: callers, writer, GC), which a shared machine inflates much less than the rate.
func reportRate(b *testing.B, unit string, start time.Time, cpu0 time.Duration) {
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), unit)
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(time.Microsecond)/float64(b.N), "cpu-µs/op")
}

func benchEvent(i int64) ledger.Event {
	id := fmt.Sprintf("OP-%d", i%100000)
	return ledger.Event{
		Time:       when,
		Actor:      ledger.Actor{User: "watch.officer", Agency: "USCG", State: "USA"},
		Action:     "record.release",
		RecordType: "operation",
		RecordID:   id,
		Content:    ledger.ContentHash([]byte(id)),
		Meta:       []ledger.Meta{{Key: "to", Value: "MEX"}},
	}
}

// benchAppend measures durable appends from many concurrent callers (group commit): each
// Append returns after its transaction is committed with synchronous=FULL (SQLite) or a
// synchronous commit (PostgreSQL).
func benchAppend(b *testing.B, open func(*testing.B) (*sql.DB, ledgersql.Dialect)) {
	db, d := open(b)
	l := openLog(b, db, d)
	var n atomic.Int64
	b.SetParallelism(256) // 256 × GOMAXPROCS concurrent callers
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := l.Append(context.Background(), benchEvent(n.Add(1))); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportRate(b, "appends/s", start, cpu0)
}

func BenchmarkAppendSQLite(b *testing.B)   { benchAppend(b, openSQLite) }
func BenchmarkAppendPostgres(b *testing.B) { benchAppend(b, openPostgres) }

// BenchmarkApplySQLite measures the one write path: a record change and its entry committed
// together, group-committed across callers.
func BenchmarkApplySQLite(b *testing.B) {
	db, d := openSQLite(b)
	l := openLog(b, db, d)
	records := ledgersql.NewRecords(db, d)
	var n atomic.Int64
	b.SetParallelism(256)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			_, err := l.Apply(context.Background(), func(tx *sql.Tx) (ledger.Event, error) {
				ev := benchEvent(i)
				h, err := records.Put(context.Background(), tx, ev.RecordType, ev.RecordID, []byte(fmt.Sprint(i)))
				ev.Content = h
				return ev, err
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "applies/s")
}

// openStore opens the product's store (SQLite: its single writer connection and pragmas,
// synchronous=FULL; PostgreSQL when dsn is set) with its ledger.
func openStore(b *testing.B, dsn string) *store.Store {
	st, err := store.Open(context.Background(), store.Config{DSN: dsn, DataDir: b.TempDir(), Origin: "accord.bench/ledger"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// postgresDSN returns the DSN of a fresh schema, or skips.
func postgresDSN(b *testing.B) string {
	db, _ := openPostgres(b) // creates the schema and skips if unreachable
	var schema string
	if err := db.QueryRow(`SELECT current_schema()`).Scan(&schema); err != nil {
		b.Fatal(err)
	}
	base := os.Getenv("ACCORD_TEST_POSTGRES")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

// benchStoreAppend measures durable appends through the store's ledger from many concurrent
// callers (group commit).
func benchStoreAppend(b *testing.B, st *store.Store) {
	var n atomic.Int64
	b.SetParallelism(256) // 256 × GOMAXPROCS concurrent callers
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := st.Ledger().Append(context.Background(), benchEvent(n.Add(1))); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportRate(b, "appends/s", start, cpu0)
}

// BenchmarkStoreAppendSQLite: durable batched appends in the embedded store (the product's
// configuration: one SQLite file, the store's driver and single writer connection).
func BenchmarkStoreAppendSQLite(b *testing.B) { benchStoreAppend(b, openStore(b, "")) }

// BenchmarkStoreAppendPostgres: the same through the store's pgx pool.
func BenchmarkStoreAppendPostgres(b *testing.B) { benchStoreAppend(b, openStore(b, postgresDSN(b))) }

// BenchmarkStoreApplySQLite measures the one write path as the product uses it: Store.Apply
// upserting a record and appending its entry in the same transaction.
func BenchmarkStoreApplySQLite(b *testing.B) {
	st := openStore(b, "")
	records := ledgersql.NewRecords(st.ReadDB(), st.LedgerDialect())
	var n atomic.Int64
	b.SetParallelism(256)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			_, err := st.Apply(context.Background(), func(ctx context.Context, tx *sql.Tx) (ledger.Event, error) {
				ev := benchEvent(i)
				h, err := records.Put(ctx, tx, ev.RecordType, ev.RecordID, []byte(fmt.Sprint(i)))
				ev.Content = h
				return ev, err
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "applies/s")
}

type memHashes []tlog.Hash

func (m *memHashes) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = (*m)[x]
	}
	return out, nil
}

// BenchmarkInclusionProofCheck measures offline verification of inclusion proofs in a tree
// of 2^20 entries (20 hashes per proof): what an oversight body does with each bundle.
func BenchmarkInclusionProofCheck(b *testing.B) {
	const size = 1 << 20
	var m memHashes
	leaf := make([]byte, 8)
	for i := int64(0); i < size; i++ {
		leaf[0], leaf[1], leaf[2] = byte(i), byte(i>>8), byte(i>>16)
		hs, err := tlog.StoredHashes(i, leaf, &m)
		if err != nil {
			b.Fatal(err)
		}
		m = append(m, hs...)
	}
	root, _ := tlog.TreeHash(size, &m)
	c := ledger.Checkpoint{Origin: "accord.bench/ledger", Size: size, Hash: root}
	const nproofs = 1024
	proofs := make([]tlog.RecordProof, nproofs)
	idx := make([]int64, nproofs)
	entries := make([][]byte, nproofs)
	for i := range nproofs {
		idx[i] = int64(i) * (size / nproofs)
		proofs[i], _ = tlog.ProveRecord(size, idx[i], &m)
		e := make([]byte, 8)
		e[0], e[1], e[2] = byte(idx[i]), byte(idx[i]>>8), byte(idx[i]>>16)
		entries[i] = e
	}
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime(b)
	i := 0
	for b.Loop() {
		k := i % nproofs
		if err := ledger.CheckInclusion(c, idx[k], entries[k], proofs[k]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	reportRate(b, "checks/s", start, cpu0)
}

// BenchmarkInclusionProofServeSQLite measures building inclusion proofs from the stored
// hashes (O(log n) point reads) in a log of 100,000 entries.
func BenchmarkInclusionProofServeSQLite(b *testing.B) {
	db, d := openSQLite(b)
	l := openLog(b, db, d)
	const size = 100_000
	errs := make(chan error, 64)
	var n atomic.Int64
	for range 64 {
		go func() {
			for {
				i := n.Add(1)
				if i > size {
					errs <- nil
					return
				}
				if _, err := l.Append(context.Background(), benchEvent(i)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 64 {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	i := int64(0)
	for b.Loop() {
		if _, err := l.InclusionProof(context.Background(), (i*7919)%size, size); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
