package store

import (
	"strings"
	"unicode"

	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/ext/fts5"
)

// Full-text search of reports (title, text and place), in the same query as releasability.
//
//   - SQLite: the FTS5 table reports_fts (migration 0007; external content, unicode61
//     tokenizer folding case and diacritics). The FTS5 module is compiled into the driver's
//     SQLite but must be registered on each connection: init does it for every connection
//     the driver opens.
//   - PostgreSQL: the generated tsvector column reports.search ('simple' configuration) and
//     its GIN index, matched with plainto_tsquery.
//
// A search is a list of words; a report matches when it contains every word (as a whole word,
// in any of the three fields, in any order). Punctuation inside a word splits it as the
// tokenizer does ("go-fast" is the phrase "go fast" in SQLite, the hyphenated word and its
// parts in PostgreSQL; both find "go-fast boat").

func init() {
	sqlite3.AutoExtension(fts5.Register)
}

// textMatch returns the condition selecting the reports of alias a that contain every word of
// text, and its one argument. ok is false when text has no word (the search matches nothing).
func (s *Sovereignty) textMatch(a, text string) (cond string, arg any, ok bool) {
	words := strings.FieldsFunc(text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
	if len(words) == 0 {
		return "", nil, false
	}
	if s.dialect == DialectPostgres {
		return a + ".search @@ plainto_tsquery('simple', ?)", strings.Join(words, " "), true
	}
	// Each word is an FTS5 string (double quotes, inner quotes doubled): no word can be read
	// as query syntax (AND, NEAR, column filters, prefixes).
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
	}
	return a + ".id IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?)", strings.Join(q, " AND "), true
}
