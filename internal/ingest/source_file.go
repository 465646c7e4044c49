package ingest

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ReadFiles reads NMEA files and delivers their lines to fn, in order: each pattern is a file
// name or a glob (filepath.Match syntax), expanded in lexical order; "-" is standard input.
// Gzip-compressed files are recognised by their magic bytes, whatever their name. Every pattern
// is checked before anything is read: a missing file or a glob matching nothing is an error
// naming it. progress, when not nil, is called as reading advances with the bytes read so far
// and the total size of the files (compressed sizes for gzip files; standard input adds 0 to
// the total). ReadFiles returns when every file is read, at the first read error (naming the
// file), or with ctx.Err() when ctx is done.
func ReadFiles(ctx context.Context, patterns []string, fn LineFunc, progress func(done, total int64)) error {
	if len(patterns) == 0 {
		return errors.New("no input files: give file names or globs")
	}
	var files []string
	var total int64
	for _, p := range patterns {
		if p == "-" {
			files = append(files, p)
			continue
		}
		names := []string{p}
		if hasMeta(p) {
			m, err := filepath.Glob(p)
			if err != nil {
				return fmt.Errorf("pattern %q: %w", p, err)
			}
			if len(m) == 0 {
				return fmt.Errorf("pattern %q matches no file", p)
			}
			names = m
		}
		for _, name := range names {
			fi, err := os.Stat(name)
			if err != nil {
				return fmt.Errorf("input file: %w", err)
			}
			if fi.IsDir() {
				return fmt.Errorf("input file %s is a directory: give a glob such as %s", name, filepath.Join(name, "*"))
			}
			total += fi.Size()
			files = append(files, name)
		}
	}
	s := newSplitter()
	cr := &countReader{ctx: ctx, total: total, progress: progress}
	for _, name := range files {
		if err := readFile(ctx, s, cr, name, fn); err != nil {
			return err
		}
	}
	return nil
}

func hasMeta(p string) bool {
	for i := range len(p) {
		switch p[i] {
		case '*', '?', '[', '\\':
			return true
		}
	}
	return false
}

func readFile(ctx context.Context, s *splitter, cr *countReader, name string, fn LineFunc) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var f *os.File
	if name == "-" {
		f = os.Stdin
		name = "standard input"
	} else {
		var err error
		if f, err = os.Open(name); err != nil {
			return fmt.Errorf("input file: %w", err)
		}
		defer f.Close()
	}
	cr.r = f
	br := bufio.NewReaderSize(cr, 64<<10)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("read %s: gzip: %w", name, err)
		}
		defer zr.Close()
		r = zr
	}
	if err := s.stream(r, fn); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

// countReader counts the bytes read across files, reports progress and stops at ctx done.
type countReader struct {
	ctx      context.Context
	r        io.Reader
	done     int64
	total    int64
	progress func(done, total int64)
}

func (c *countReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.done += int64(n)
	if c.progress != nil && n > 0 {
		c.progress(c.done, max(c.total, c.done))
	}
	return n, err
}
