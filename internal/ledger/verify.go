package ledger

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"sort"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// StoredEntry is an encoded entry as a store holds it.
type StoredEntry struct {
	Seq  int64  // the position the store files it under
	Data []byte // the canonical encoding ([Entry.Marshal])
}

// StoredHash is one tree hash as a store holds it, at its tlog.StoredHashIndex.
type StoredHash struct {
	Index int64
	Hash  tlog.Hash
}

// LogReader is what [Verify] needs from a log's store. Implementations return exactly what is
// stored, without checking it.
type LogReader interface {
	// Size returns the tree size the store records as its head.
	Size(ctx context.Context) (int64, error)
	// Entries returns up to limit stored entries with Seq >= from, in increasing Seq order.
	Entries(ctx context.Context, from int64, limit int) ([]StoredEntry, error)
	// StoredHashes returns the stored hashes with from <= Index < to, in increasing order.
	StoredHashes(ctx context.Context, from, to int64) ([]StoredHash, error)
	// Checkpoints returns every stored signed checkpoint (notes with cosignatures).
	Checkpoints(ctx context.Context) ([][]byte, error)
}

// RecordSource gives the current content hash of records of one kind, so [Verify] can compare
// it with the last ledger entry for each record. found is false if the record does not exist.
type RecordSource interface {
	CurrentHash(ctx context.Context, recordType, id string) (hash [32]byte, found bool, err error)
}

// RecordLister is implemented by record sources that can enumerate their records, letting
// [Verify] find records changed without any ledger entry.
type RecordLister interface {
	EachRecord(ctx context.Context, fn func(recordType, id string) error) error
}

// VerifyOptions configures [Verify].
type VerifyOptions struct {
	Log note.Verifier // the log's public key; its name is the origin (required)
	// RetiredLogKeys are earlier keys of the same origin (see docs/ledger.md on rotation);
	// checkpoints signed by them are accepted.
	RetiredLogKeys []note.Verifier
	Witnesses      []note.Verifier // witness keys whose cosignatures must verify when present
	// Sources gives the record source for each record type. Records of other types are counted
	// in Report.Unchecked.
	Sources map[string]RecordSource
	// Checkpoints are signed checkpoints obtained elsewhere (published, cosigned, kept by an
	// oversight body) that the log must be consistent with.
	Checkpoints [][]byte
}

// ProblemKind classifies a discrepancy found by [Verify].
type ProblemKind string

// Kinds of problems. Each names what was found; a single tampering usually shows as several.
const (
	ProblemStore          ProblemKind = "store-error"          // the store could not be read
	ProblemBadEntry       ProblemKind = "bad-entry"            // an entry does not decode
	ProblemMissingEntry   ProblemKind = "missing-entry"        // a gap in the sequence: entries deleted
	ProblemReordered      ProblemKind = "reordered-entry"      // an entry stored at a position not its own
	ProblemBrokenChain    ProblemKind = "broken-record-chain"  // an entry's prev does not name the record's previous entry
	ProblemStoredHash     ProblemKind = "stored-hash-mismatch" // a stored tree hash differs from the recomputed one
	ProblemHead           ProblemKind = "head-mismatch"        // the recorded tree size differs from the entries
	ProblemEditedRecord   ProblemKind = "edited-record"        // a record's content differs from its last entry
	ProblemDeletedRecord  ProblemKind = "deleted-record"       // a record is gone but its last entry says it exists
	ProblemUnrecorded     ProblemKind = "unrecorded-record"    // a record exists with no ledger entry
	ProblemBadCheckpoint  ProblemKind = "bad-checkpoint"       // a checkpoint is malformed or badly signed
	ProblemForkCheckpoint ProblemKind = "forked-checkpoint"    // a checkpoint's root differs from the recomputed tree
)

// Problem is one discrepancy. Seq is the entry concerned, or -1; Size the checkpoint size
// concerned, or -1.
type Problem struct {
	Kind       ProblemKind
	Seq        int64
	Size       int64
	RecordType string
	RecordID   string
	Detail     string
}

func (p Problem) String() string {
	s := string(p.Kind)
	if p.Seq >= 0 {
		s += fmt.Sprintf(" seq %d", p.Seq)
	}
	if p.Size >= 0 {
		s += fmt.Sprintf(" checkpoint %d", p.Size)
	}
	if p.RecordType != "" {
		s += fmt.Sprintf(" record %s/%s", p.RecordType, p.RecordID)
	}
	return s + ": " + p.Detail
}

// Report is the outcome of [Verify].
type Report struct {
	Origin       string
	Size         int64 // tree size recomputed from the stored entries
	Head         int64 // tree size the store records
	Root         tlog.Hash
	Records      int // records whose content was checked
	Unchecked    int // records of types without a RecordSource
	Checkpoints  int // checkpoints checked (stored and given)
	Cosignatures int // witness cosignatures verified
	Problems     []Problem
}

// OK reports whether no problem was found.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// WriteText writes the report for people: a summary line, then one line per problem.
func (r *Report) WriteText(w io.Writer) error {
	status := "OK"
	if !r.OK() {
		status = fmt.Sprintf("FAILED (%d problems)", len(r.Problems))
	}
	_, err := fmt.Fprintf(w, "ledger %s: %s\nentries %d, root %s, records checked %d, unchecked %d, checkpoints %d, cosignatures %d\n",
		r.Origin, status, r.Size, r.Root, r.Records, r.Unchecked, r.Checkpoints, r.Cosignatures)
	for _, p := range r.Problems {
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(w, p)
	}
	return err
}

// maxProblemsPerKind bounds the report when a tampering shifts everything after it.
const maxProblemsPerKind = 100

func (r *Report) add(p Problem, counts map[ProblemKind]int) {
	counts[p.Kind]++
	if counts[p.Kind] == maxProblemsPerKind+1 {
		r.Problems = append(r.Problems, Problem{Kind: p.Kind, Seq: -1, Size: -1, Detail: "more problems of this kind not listed"})
	}
	if counts[p.Kind] > maxProblemsPerKind {
		return
	}
	r.Problems = append(r.Problems, p)
}

type recordKey struct{ typ, id string }

type recordState struct {
	seq     int64
	content [32]byte
}

// Verify recomputes the Merkle tree from every stored entry and checks, reporting every
// discrepancy with the entry and record it concerns:
//
//   - entries are contiguous from 0, each decodes and carries its own position, and each
//     entry's prev names the previous entry for the same record (deleted or reordered entries);
//   - every stored tree hash equals the recomputed one (the hashes proofs are served from);
//   - the recorded head equals the number of entries;
//   - every stored checkpoint and every given checkpoint is signed by the log, its witness
//     cosignatures verify, and its root equals the recomputed root at its size (rewritten or
//     forked checkpoints, entries deleted from the end);
//   - every record's current content hash equals that of its last entry (edited or deleted
//     records), and no listed record lacks an entry.
//
// Verify reads the store page by page and keeps O(records + log n) state.
func Verify(ctx context.Context, r LogReader, opts VerifyOptions) Report {
	rep := Report{Origin: opts.Log.Name()}
	counts := map[ProblemKind]int{}
	problem := func(kind ProblemKind, seq, size int64, rk recordKey, format string, args ...any) {
		rep.add(Problem{Kind: kind, Seq: seq, Size: size, RecordType: rk.typ, RecordID: rk.id, Detail: fmt.Sprintf(format, args...)}, counts)
	}
	storeErr := func(err error) Report {
		problem(ProblemStore, -1, -1, recordKey{}, "%v", err)
		return rep
	}

	// Checkpoints first: their sizes tell where to capture roots.
	type cp struct {
		sc     *SignedCheckpoint
		source string
	}
	var cps []cp
	stored, err := r.Checkpoints(ctx)
	if err != nil {
		return storeErr(fmt.Errorf("read checkpoints: %w", err))
	}
	check := func(msg []byte, source string) {
		rep.Checkpoints++
		sc, err := OpenCheckpoint(msg, opts.Log, opts.Witnesses...)
		for _, k := range opts.RetiredLogKeys {
			if err == nil {
				break
			}
			if sc2, err2 := OpenCheckpoint(msg, k, opts.Witnesses...); err2 == nil {
				sc, err = sc2, nil
			}
		}
		if err != nil {
			size := int64(-1)
			if text, _, err := splitNote(msg); err == nil {
				if c, err := ParseCheckpoint(text); err == nil {
					size = c.Size
				}
			}
			problem(ProblemBadCheckpoint, -1, size, recordKey{}, "%s checkpoint: %v", source, err)
			return
		}
		for _, name := range sc.Unverified {
			for _, w := range opts.Witnesses {
				if w.Name() == name {
					problem(ProblemBadCheckpoint, -1, sc.Size, recordKey{}, "%s checkpoint: signature named %s is not by that witness's key", source, name)
				}
			}
		}
		rep.Cosignatures += len(sc.Cosignatures)
		cps = append(cps, cp{sc, source})
	}
	for _, msg := range stored {
		check(msg, "stored")
	}
	for _, msg := range opts.Checkpoints {
		check(msg, "given")
	}
	want := map[int64]bool{0: true}
	for _, c := range cps {
		want[c.sc.Size] = true
	}
	roots := map[int64]tlog.Hash{}

	// Entries, page by page, recomputing the tree.
	var (
		tb       treeBuilder
		records  = map[recordKey]recordState{}
		expected int64 // next seq expected
		pending  []StoredHash
		byLeaf   = map[int64]recordKey{} // stored index of a leaf -> its record, for the current page
	)
	roots[0] = tb.root()
	const page = 4096
	for {
		if err := ctx.Err(); err != nil {
			return storeErr(err)
		}
		entries, err := r.Entries(ctx, expected, page)
		if err != nil {
			return storeErr(fmt.Errorf("read entries from %d: %w", expected, err))
		}
		if len(entries) == 0 {
			break
		}
		pending = pending[:0]
		clear(byLeaf)
		firstIndex := tlog.StoredHashIndex(0, tb.n)
		for _, se := range entries {
			if se.Seq != expected {
				if se.Seq == expected+1 {
					problem(ProblemMissingEntry, expected, -1, recordKey{}, "entry %d is missing (deleted); the next stored entry is %d", expected, se.Seq)
				} else {
					problem(ProblemMissingEntry, expected, -1, recordKey{}, "entries %d to %d are missing (deleted); the next stored entry is %d", expected, se.Seq-1, se.Seq)
				}
			}
			expected = se.Seq + 1
			e, err := ParseEntry(se.Data)
			var rk recordKey
			if err != nil {
				problem(ProblemBadEntry, se.Seq, -1, rk, "%v", err)
			} else {
				rk = recordKey{e.RecordType, e.RecordID}
				if e.Seq != se.Seq {
					problem(ProblemReordered, se.Seq, -1, rk, "position %d holds the entry with seq %d", se.Seq, e.Seq)
				}
				last, seen := records[rk]
				switch {
				case !seen && e.Prev >= 0:
					problem(ProblemBrokenChain, e.Seq, -1, rk, "entry says the record's previous entry is %d, which is not in the log", e.Prev)
				case seen && e.Prev != last.seq:
					problem(ProblemBrokenChain, e.Seq, -1, rk, "entry says the record's previous entry is %d, but the log has %d", e.Prev, last.seq)
				}
				records[rk] = recordState{seq: e.Seq, content: e.Content}
			}
			byLeaf[tlog.StoredHashIndex(0, tb.n)] = rk
			tb.add(LeafHash(se.Data), func(i int64, h tlog.Hash) { pending = append(pending, StoredHash{i, h}) })
			if want[tb.n] {
				roots[tb.n] = tb.root()
			}
		}
		// Compare the stored hashes of this page.
		got, err := r.StoredHashes(ctx, firstIndex, tlog.StoredHashIndex(0, tb.n))
		if err != nil {
			return storeErr(fmt.Errorf("read stored hashes: %w", err))
		}
		gi := 0
		for _, p := range pending {
			for gi < len(got) && got[gi].Index < p.Index {
				gi++
			}
			lvl, n := tlog.SplitStoredHashIndex(p.Index)
			first, last := n<<lvl, (n+1)<<lvl-1 // leaf positions under this node
			var rk recordKey
			where := fmt.Sprintf("the leaf of tree position %d", first)
			if lvl > 0 {
				where = fmt.Sprintf("the node over tree positions %d to %d", first, last)
			} else {
				rk = byLeaf[p.Index]
			}
			switch {
			case gi == len(got) || got[gi].Index != p.Index:
				problem(ProblemStoredHash, first, -1, rk, "stored hash %d, %s, is missing", p.Index, where)
			case got[gi].Hash != p.Hash:
				problem(ProblemStoredHash, first, -1, rk, "stored hash %d, %s, is %s; recomputed %s", p.Index, where, got[gi].Hash, p.Hash)
			}
		}
	}
	rep.Size, rep.Root = tb.n, tb.root()
	head, err := r.Size(ctx)
	if err != nil {
		return storeErr(fmt.Errorf("read head: %w", err))
	}
	rep.Head = head
	if head != expected || head != tb.n {
		problem(ProblemHead, -1, -1, recordKey{}, "the store records %d entries; %d are stored, the last with seq %d", head, tb.n, expected-1)
	}

	// Checkpoints against the recomputed tree.
	for _, c := range cps {
		if c.sc.Size > tb.n {
			problem(ProblemForkCheckpoint, -1, c.sc.Size, recordKey{}, "%s checkpoint covers %d entries but the log has %d: entries were deleted", c.source, c.sc.Size, tb.n)
			continue
		}
		if root := roots[c.sc.Size]; root != c.sc.Hash {
			problem(ProblemForkCheckpoint, -1, c.sc.Size, recordKey{}, "%s checkpoint root %s, recomputed %s: the log was rewritten", c.source, c.sc.Hash, root)
		}
	}

	// Records against their last entries.
	keys := make([]recordKey, 0, len(records))
	for k := range records {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return records[keys[i]].seq < records[keys[j]].seq
	})
	for _, k := range keys {
		st := records[k]
		src := opts.Sources[k.typ]
		if src == nil {
			rep.Unchecked++
			continue
		}
		rep.Records++
		h, found, err := src.CurrentHash(ctx, k.typ, k.id)
		switch {
		case err != nil:
			problem(ProblemStore, st.seq, -1, k, "read record: %v", err)
		case !found && st.content != NoContent:
			problem(ProblemDeletedRecord, st.seq, -1, k, "record is missing; its last entry records content %s", hex.EncodeToString(st.content[:8]))
		case found && st.content == NoContent:
			problem(ProblemEditedRecord, st.seq, -1, k, "record exists but its last entry records its deletion")
		case found && h != st.content:
			problem(ProblemEditedRecord, st.seq, -1, k, "content hash %s, last entry records %s", hex.EncodeToString(h[:8]), hex.EncodeToString(st.content[:8]))
		}
	}
	listed := map[RecordSource]bool{}
	for _, src := range opts.Sources {
		l, ok := src.(RecordLister)
		if !ok || listed[src] {
			continue
		}
		listed[src] = true
		err := l.EachRecord(ctx, func(typ, id string) error {
			if _, ok := records[recordKey{typ, id}]; !ok {
				problem(ProblemUnrecorded, -1, -1, recordKey{typ, id}, "record has no ledger entry")
			}
			return nil
		})
		if err != nil {
			problem(ProblemStore, -1, -1, recordKey{}, "list records: %v", err)
		}
	}
	return rep
}
