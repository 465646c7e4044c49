package mattn

import (
	"database/sql"
	"testing"

	"accord/bench/sqlitedrivers"

	_ "github.com/mattn/go-sqlite3"
)

func BenchmarkMattn(b *testing.B) {
	sqlitedrivers.Run(b, func(path string) (*sql.DB, error) { return sql.Open("sqlite3", path) })
}
