// Package ncruces benchmarks github.com/ncruces/go-sqlite3 (SQLite compiled to Wasm and translated
package ncruces
