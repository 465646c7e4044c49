// to Go by wasm2go; no cgo).
package ncruces

import (
	"database/sql"
	"testing"

	"accord/bench/sqlitedrivers"

	_ "github.com/ncruces/go-sqlite3/driver"
)

func BenchmarkNcruces(b *testing.B) {
	sqlitedrivers.Run(b, func(path string) (*sql.DB, error) { return sql.Open("sqlite3", path) })
}
