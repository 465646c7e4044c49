package store

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"accord/internal/access"
	"accord/internal/intel"
)

// readLogRows counts read_log rows (all of them, or of one read_id).
func readLogRows(t *testing.T, s *Store, readID string) int {
	t.Helper()
	q, args := `SELECT count(*) FROM read_log`, []any{}
	if readID != "" {
		q, args = q+` WHERE read_id = ?`, []any{readID}
	}
	var n int
	if err := s.ReadDB().QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// markedReader returns the fixture's analyst who is returned the most AMBER/RED reports by a
// list of 20, with that count.
func markedReader(t *testing.T, fx *audienceFixture) (access.User, int) {
	t.Helper()
	var best access.User
	most := 0
	for _, u := range fx.users {
		if !u.Has(access.RoleAnalyst) {
			continue
		}
		rs, err := fx.sv.Reports(context.Background(), u, intel.ReportFilter{Limit: 20}, "list")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range rs {
			switch r.Markings.TLP {
			case access.TLPAmber, access.TLPAmberStrict, access.TLPRed:
				n++
			}
		}
		if n > most {
			best, most = u, n
		}
	}
	if most == 0 {
		t.Fatal("no analyst of the fixture reads a marked report")
	}
	return best, most
}

// TestReadJournalKill9 checks "logged before returned" against the hardest stop: a child
// process lists marked reports (their reads go to the read journal, folded only every hour)
// and reports each list it was returned; it is killed with SIGKILL. Reopening the store must
// fold every acknowledged read into read_log, none twice, and a second reopen must add nothing.
func TestReadJournalKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("kill -9 test skipped in -short mode")
	}
	dir := t.TempDir()
	s, err := Open(context.Background(), Config{DataDir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	fx := newAudienceFixture(t, s, 60)
	u, perList := markedReader(t, fx)
	if err := s.FlushReads(context.Background()); err != nil {
		t.Fatal(err)
	}
	base := readLogRows(t, s, "") // the fixture's own reads
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	acked := killChild(t, "TestReadJournalKill9Child", 200, "ACCORD_JOURNAL_KILL_DIR="+dir, "ACCORD_JOURNAL_KILL_USER="+u.Name)
	if acked < 200 {
		t.Fatalf("child was returned %d lists before it stopped, want 200", acked)
	}
	if _, err := os.Stat(filepath.Join(dir, journalName)); err != nil {
		t.Fatalf("journal after kill -9: %v", err)
	}

	s = open(t, Config{DataDir: dir})
	rows := readLogRows(t, s, "") - base
	// Every acknowledged list is there; at most the lists in flight when the child died (whose
	// journal line was durable but not yet reported) come on top.
	if rows < acked*perList || rows > (acked+maxReadBatch)*perList || rows%perList != 0 {
		t.Errorf("after kill -9 with %d lists of %d marked reports returned: read_log has %d rows", acked, perList, rows)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{journalName, journalFolded} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s after a clean close: %v, want removed", name, err)
		}
	}
	s = open(t, Config{DataDir: dir})
	if again := readLogRows(t, s, "") - base; again != rows {
		t.Errorf("second reopen: read_log has %d rows, want %d (nothing folded twice)", again, rows)
	}
	t.Logf("kill -9 after %d lists returned (%d marked reports each): read_log holds %d rows", acked, perList, rows)
}

// TestReadJournalKill9Child is the reader process of TestReadJournalKill9; it does nothing
// unless started by it.
func TestReadJournalKill9Child(t *testing.T) {
	dir := os.Getenv("ACCORD_JOURNAL_KILL_DIR")
	if dir == "" {
		t.Skip("helper process of TestReadJournalKill9")
	}
	ctx := context.Background()
	s, err := Open(ctx, Config{DataDir: dir, ReadFoldEvery: time.Hour}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sv := s.Sovereignty()
	u, err := sv.User(ctx, os.Getenv("ACCORD_JOURNAL_KILL_USER"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; ; i++ {
		if _, err := sv.Reports(ctx, u, intel.ReportFilter{Limit: 20}, "list"); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(os.Stdout, "acked %d\n", i)
	}
}

// TestReadJournalRecovery folds journal files left by a crash: lines already in read_log
// are skipped, new lines are folded, a torn last line is ignored and the files are removed;
// an unreadable complete line stops the open with an error naming the file and line.
func TestReadJournalRecovery(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, Config{DataDir: dir, ReadFoldEvery: time.Hour}, nil)
	if err != nil {
		t.Fatal(err)
	}
	fx := newAudienceFixture(t, s, 40)
	u, perList := markedReader(t, fx) // one list, logged
	if err := s.FlushReads(ctx); err != nil {
		t.Fatal(err)
	}
	var folded string
	if err := s.ReadDB().QueryRowContext(ctx, `SELECT read_id FROM read_log LIMIT 1`).Scan(&folded); err != nil {
		t.Fatal(err)
	}
	before := readLogRows(t, s, "")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	rows := make([]readRow, perList)
	for i := range rows {
		rows[i] = readRow{Kind: "report", ID: int64(i + 1), TLP: "AMBER", Content: strings.Repeat("0", 64)}
	}
	line := func(id string) string {
		b, err := json.Marshal(journalLine{ID: id, Reads: []journalRead{{User: u.ID, Name: u.Name, Agency: u.Agency, State: u.State, Via: "list", At: 1, Rows: rows}}})
		if err != nil {
			t.Fatal(err)
		}
		return string(b) + "\n"
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(journalFolded, line(folded)+line("a1"))                    // a fold that committed, then a crash
	write(journalName, line("b2")+line("b3")+`{"id":"b4","reads":[`) // torn last line
	s = open(t, Config{DataDir: dir, ReadFoldEvery: time.Hour})
	if got, want := readLogRows(t, s, ""), before+3*perList; got != want {
		t.Errorf("after recovery: read_log has %d rows, want %d", got, want)
	}
	for id, want := range map[string]int{"a1": perList, "b2": perList, "b3": perList, "b4": 0} {
		if got := readLogRows(t, s, id); got != want {
			t.Errorf("line %s: %d rows, want %d", id, got, want)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	write(journalName, line("c1")+"{not json}\n"+line("c3"))
	_, err = Open(ctx, Config{DataDir: dir}, nil)
	if err == nil || !strings.Contains(err.Error(), journalName+":2: unreadable line") {
		t.Fatalf("open with a damaged journal line: %v, want an error naming %s:2", err, journalName)
	}
	t.Logf("damaged journal: %v", err)
}

// TestReadJournalOneOwner opens the same SQLite store twice, as an admin command does next to
// a running server: the first opener owns the journal; the second writes its reads to the
// database directly and does not touch the first one's journal.
func TestReadJournalOneOwner(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := open(t, Config{DataDir: dir, ReadFoldEvery: time.Hour})
	fx := newAudienceFixture(t, a, 40)
	u, perList := markedReader(t, fx) // journaled by a, not folded
	if a.journal == nil {
		t.Fatal("first opener has no read journal")
	}
	b := open(t, Config{DataDir: dir, ReadFoldEvery: time.Hour})
	if b.journal != nil {
		t.Fatal("second opener took the read journal too")
	}
	before := readLogRows(t, b, "")
	if _, err := b.Sovereignty().Reports(ctx, u, intel.ReportFilter{Limit: 20}, "list"); err != nil {
		t.Fatal(err)
	}
	if got := readLogRows(t, b, ""); got != before+perList {
		t.Errorf("read through the second opener: read_log %d → %d rows, want +%d at once", before, got, perList)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, journalName)); err != nil {
		t.Errorf("the owner's journal after the second opener closed: %v", err)
	}
	if err := a.FlushReads(ctx); err != nil {
		t.Fatal(err)
	}
	if got := readLogRows(t, a, ""); got <= before+perList {
		t.Errorf("after the owner's fold: read_log has %d rows, want more than %d", got, before+perList)
	}
}
