package modernc

import (
	"database/sql"
	"testing"

	"accord/bench/sqlitedrivers"

	_ "modernc.org/sqlite"
)

func BenchmarkModernc(b *testing.B) {
	sqlitedrivers.Run(b, func(path string) (*sql.DB, error) { return sql.Open("sqlite", path) })
}
