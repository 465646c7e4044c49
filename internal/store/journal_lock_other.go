//go:build !unix

package store

import "os"

// lockJournal reports the journal as held elsewhere: without advisory file locks, reads are
// written to the database directly (see [Config.ReadFoldEvery]).
func lockJournal(path string) (*os.File, error) { return nil, nil }
