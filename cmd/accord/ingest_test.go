package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"accord/internal/ingest"
	"accord/internal/store"
)

// TestIngestDMAFeed ingests the DMA sample feed (../shared/data/ais/dma) into a new SQLite store:
// real receiver output, with $PGHP timestamps, multipart statics and messages that cannot be
// kept (a type 24 with MMSI 0). Everything decoded must be acknowledged, nothing dropped, and
// ingest must not stall on the unusable messages (it once retried such a batch forever).
func TestIngestDMAFeed(t *testing.T) {
	files, _ := filepath.Glob("../../../shared/data/ais/dma/*.txt")
	if len(files) == 0 {
		msg := "DMA sample feed not found at ../shared/data/ais/dma"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	st, err := store.Open(ctx, store.Config{DataDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	info := ingest.FeedInfo{Name: "file:dma", Kind: "file", Originator: "DNK", TLP: "CLEAR", Block: true}
	done := make(chan struct{})
	var sum ingestSummary
	go func() {
		defer close(done)
		sum, err = ingestFiles(ctx, st, ingest.Options{}, info, files, io.Discard, log)
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("ingest of the DMA feed did not finish within 60 s")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Log(sum.String())
	if sum.Messages < 4000 || sum.Acknowledged != sum.Messages || sum.Dropped != 0 {
		t.Errorf("%s: want every one of the >4,000 messages acknowledged and none dropped", sum)
	}
	if sum.Unparseable == 0 {
		t.Errorf("%s: want the MMSI 0 static reports counted as unparseable", sum)
	}
	c, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var nonEmpty int64
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for l := range bytes.Lines(b) {
			if len(bytes.TrimRight(l, "\r\n")) > 0 {
				nonEmpty++
			}
		}
	}
	if c.Positions == 0 || c.Positions > sum.Acknowledged || c.RawSentences != nonEmpty {
		t.Errorf("store holds %+v for %s: want positions within the acknowledged messages and all %d non-empty lines as evidence",
			c, sum, nonEmpty)
	}
}
