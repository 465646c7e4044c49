// Package ingest moves AIS NMEA from feeds (TCP client, TCP server, UDP, files) through the decoder
// into a store, in bounded, batched writes. A batch is acknowledged only once the store has
// persisted it; anything dropped under overload is counted per feed and reported.
package ingest

import (
	"context"
	"errors"

	"accord/internal/vessel"
)

// Batch is one unit of persistence: everything decoded from a run of lines of one or more feeds.
// A Sink must persist a batch atomically: all of it or none of it.
type Batch struct {
	Positions []vessel.Position
	Statics   []vessel.Static
	Raw       []vessel.RawSentence
	// Feeds carries the cumulative counters of each feed that contributed to the batch, so the
	// counters persisted always match the data persisted.
	Feeds []FeedStats

	acks []feedAck // messages per feed, acknowledged once the batch is written
}

// FeedStats are the cumulative counters of one feed. All counts are since the feed was created
// (they survive restarts when the store persists them).
type FeedStats struct {
	Name       string // unique feed name, e.g. "tcp:10.0.0.5:4001" or "file:dma.txt"
	Kind       string // "tcp-client", "tcp-server", "udp", "file", "simulator"
	Originator string // agency that owns the data of this feed, e.g. "SEMAR"; it is the marking of every position
	TLP        string // TLP 2.0 level of the feed's data: CLEAR, GREEN, AMBER, AMBER+STRICT, RED
	// RelTo is the releasability (REL TO) of the feed's data: "state:MEX", "agency:DEA" (GREEN,
	// AMBER) or "user:17" (RED), the rules of package access. Empty: GREEN goes to every reader
	// of the node, AMBER, AMBER+STRICT and RED to the originator's agency only.
	RelTo       []string
	Lines       int64 // lines read
	Sentences   int64 // AIS sentences (VDM/VDO) with a valid checksum
	Messages    int64 // complete AIS messages decoded and kept
	BadChecksum int64 // sentences whose checksum did not match
	Incomplete  int64 // multipart groups that never completed (timeout or missing part)
	Unparseable int64 // lines or payloads that could not be parsed, and decoded messages that cannot be kept (MMSI 0, no time, position off the globe; their sentences stay in the evidence)
	Other       int64 // valid NMEA sentences that are not AIS (e.g. GPS), skipped
	Dropped     int64 // decoded messages dropped because the write queue was full
	// Acknowledged counts the messages whose batch the sink has persisted. It is a live counter of
	// the running pipeline; stores need not persist it (what they hold is, by definition, acknowledged).
	Acknowledged int64
}

// ErrRejected marks a WriteBatch error caused by the batch's content (a record the sink cannot
// store), not by the sink: writing the same batch again cannot succeed. Sinks wrap it; the
// pipeline then does not retry, but counts the batch's messages as dropped and logs the error.
var ErrRejected = errors.New("batch rejected")

// Sink persists batches. WriteBatch returns only after the batch is durable (the write is
// committed); the caller then counts its contents as acknowledged. It must be safe to call from
// one goroutine at a time; implementations need not be concurrent-safe. An error wrapping
// [ErrRejected] is permanent; any other error is retried. The pipeline reuses a batch's buffers
// once WriteBatch has returned, so a sink must not keep b or its slices beyond the call.
type Sink interface {
	WriteBatch(ctx context.Context, b *Batch) error
}
