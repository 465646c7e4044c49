// Package mattn benchmarks github.com/mattn/go-sqlite3 (the SQLite C library through cgo).
package mattn
