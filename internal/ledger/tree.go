package ledger

import "golang.org/x/mod/sumdb/tlog"

// treeBuilder recomputes an RFC 6962 tree leaf by leaf, keeping only the right edge (one hash
// per perfect subtree), and emits every hash in tlog's stored hash order.
type treeBuilder struct {
	n     int64
	stack []tlog.Hash // roots of the perfect subtrees, largest (leftmost) first
}

// add appends a leaf and calls emit for each stored hash it completes, in increasing index
// order: the leaf at tlog.StoredHashIndex(0, n), then the parents it completes.
func (t *treeBuilder) add(leaf tlog.Hash, emit func(index int64, h tlog.Hash)) {
	idx := tlog.StoredHashIndex(0, t.n)
	if emit != nil {
		emit(idx, leaf)
	}
	h := leaf
	for m := t.n; m&1 == 1; m >>= 1 {
		h = tlog.NodeHash(t.stack[len(t.stack)-1], h)
		t.stack = t.stack[:len(t.stack)-1]
		idx++
		if emit != nil {
			emit(idx, h)
		}
	}
	t.stack = append(t.stack, h)
	t.n++
}

// root returns the RFC 6962 root hash of the leaves added so far.
func (t *treeBuilder) root() tlog.Hash {
	if len(t.stack) == 0 {
		return emptyTreeHash()
	}
	h := t.stack[len(t.stack)-1]
	for i := len(t.stack) - 2; i >= 0; i-- {
		h = tlog.NodeHash(t.stack[i], h)
	}
	return h
}
