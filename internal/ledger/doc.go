// Package ledger is Accord's tamper-evident record: an append-only RFC 6962 Merkle log of events
// (a consent given, an operation denied, a record released), with signed checkpoints, witness
// cosignatures, inclusion and consistency proofs, and an offline verifier.
//
// The package knows nothing of SQL or HTTP. It defines
//
//   - the canonical encoding of an [Entry] (see [Entry.Marshal] and docs/ledger.md), which
//     holds only the SHA-256 of a record's content, never the content itself, so checkpoints
//     and proofs can be published without leaking it;
//   - [Checkpoint], in the C2SP tlog-checkpoint format, signed as a C2SP signed note with the
//     node's Ed25519 key ([LoadOrCreateKey]);
//   - witness cosignatures in the C2SP tlog-cosignature format (cosignature/v1), and a
//     [Witness] that cosigns only checkpoints consistent with the last one it saw;
//   - offline proof bundles in the C2SP tlog-proof format ([Bundle], [VerifyBundle]);
//   - [Verify], which recomputes the whole tree from a [LogReader] and checks every entry,
//     stored hash, checkpoint and cosignature and every record's current content.
//
// The Merkle tree, its hash storage layout and its proofs are those of
// golang.org/x/mod/sumdb/tlog; signatures are golang.org/x/mod/sumdb/note signed notes.
// Persistence lives in the ledgersql subpackage.
package ledger
