// Package modernc benchmarks modernc.org/sqlite (SQLite translated from C to Go; no cgo).
package modernc
