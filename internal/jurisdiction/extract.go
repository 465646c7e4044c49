package jurisdiction

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// statePoly is one polygon of one state's land (or land plus territorial sea).
type statePoly struct {
	State string
	Poly  polygon
}

// regional is the boundary data of the region, extracted from the large world files.
type regional struct {
	Land     []statePoly // land polygons; their outer rings and holes are the coastlines
	Maritime []statePoly // land plus territorial sea as mapped in OpenStreetMap
}

// extractRegion reads the world land and maritime files and keeps the polygons whose box
// intersects box. It drops features without an "A3" property. A polygon of a feature that
// cannot be read is an error naming the file and feature.
func extractRegion(ctx context.Context, landPath, maritimePath string, box bbox) (*regional, error) {
	out := &regional{}
	read := func(path string, dst *[]statePoly) error {
		return scanFile(path, func(i int, f *rawFeature) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			a3, _ := f.Properties["A3"].(string)
			if a3 == "" {
				return nil
			}
			polys, err := f.polygons()
			if err != nil {
				return fmt.Errorf("state %s: %w", a3, err)
			}
			for _, p := range polys {
				if p[0].box().intersects(box) {
					*dst = append(*dst, statePoly{State: a3, Poly: p})
				}
			}
			return nil
		})
	}
	if err := read(landPath, &out.Land); err != nil {
		return nil, err
	}
	if maritimePath != "" {
		if err := read(maritimePath, &out.Maritime); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// cacheVersion changes whenever the cache layout or the extraction rule changes.
const cacheVersion = "accord-jurisdiction-region-v1"

// cacheKey identifies an extraction: the input files' names, sizes and modification times, and
// the box. Any change produces a new key and a new cache file.
func cacheKey(box bbox, paths ...string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%.6f,%.6f,%.6f,%.6f", cacheVersion, box.MinX, box.MinY, box.MaxX, box.MaxY)
	for _, p := range paths {
		if p == "" {
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return "", err
		}
		abs, _ := filepath.Abs(p)
		fmt.Fprintf(h, "|%s:%d:%d", abs, st.Size(), st.ModTime().UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

// loadRegional returns the regional extraction, from the cache directory when a cache file for
// the same inputs exists, else by reading the world files and then writing the cache. An
// unreadable or corrupt cache file is logged and rebuilt. cacheDir "" disables the cache.
func loadRegional(ctx context.Context, landPath, maritimePath, cacheDir string, box bbox, log *slog.Logger) (*regional, error) {
	var cachePath string
	if cacheDir != "" {
		key, err := cacheKey(box, landPath, maritimePath)
		if err != nil {
			return nil, fmt.Errorf("boundary data: %w", err)
		}
		cachePath = filepath.Join(cacheDir, "jurisdiction-region-"+key+".bin")
		if r, err := readRegionalCache(cachePath); err == nil {
			log.Debug("jurisdiction: regional boundaries from cache", "path", cachePath)
			return r, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			log.Warn("jurisdiction: ignoring unreadable cache; rebuilding", "path", cachePath, "err", err)
		}
	}
	start := time.Now()
	r, err := extractRegion(ctx, landPath, maritimePath, box)
	if err != nil {
		return nil, err
	}
	log.Info("jurisdiction: extracted regional boundaries", "land_polygons", len(r.Land),
		"maritime_polygons", len(r.Maritime), "took", time.Since(start).Round(time.Millisecond))
	if cachePath != "" {
		if err := writeRegionalCache(cachePath, r); err != nil {
			log.Warn("jurisdiction: cannot write cache", "path", cachePath, "err", err)
		}
	}
	return r, nil
}

// The cache file: magic line, then two sections (land, maritime), each a count followed by
// polygons: state (length-prefixed string), ring count, and per ring a point count and the
// points as little-endian float64 pairs.
const cacheMagic = "ACCORD-JURISDICTION-REGION\n"

func writeRegionalCache(path string, r *regional) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".jurisdiction-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	w.WriteString(cacheMagic)
	var buf [8]byte
	u32 := func(v int) {
		binary.LittleEndian.PutUint32(buf[:4], uint32(v))
		w.Write(buf[:4])
	}
	f64 := func(v float64) {
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
		w.Write(buf[:])
	}
	for _, sec := range [][]statePoly{r.Land, r.Maritime} {
		u32(len(sec))
		for _, sp := range sec {
			u32(len(sp.State))
			w.WriteString(sp.State)
			u32(len(sp.Poly))
			for _, rg := range sp.Poly {
				u32(len(rg))
				for _, p := range rg {
					f64(p.X)
					f64(p.Y)
				}
			}
		}
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	pruneCache(filepath.Dir(path), "jurisdiction-region-", 2)
	return nil
}

// pruneCache removes all but the newest keep files named prefix* in dir: caches of inputs
// that have since changed.
func pruneCache(dir, prefix string, keep int) {
	matches, _ := filepath.Glob(filepath.Join(dir, prefix+"*.bin"))
	if len(matches) <= keep {
		return
	}
	type f struct {
		path string
		mod  time.Time
	}
	var fs []f
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil {
			fs = append(fs, f{m, st.ModTime()})
		}
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].mod.After(fs[j].mod) })
	for _, x := range fs[min(keep, len(fs)):] {
		os.Remove(x.path)
	}
}

func readRegionalCache(path string) (*regional, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rd := bufio.NewReaderSize(f, 1<<20)
	magic := make([]byte, len(cacheMagic))
	if _, err := io.ReadFull(rd, magic); err != nil || string(magic) != cacheMagic {
		return nil, fmt.Errorf("not a region cache file")
	}
	var buf [8]byte
	var rerr error
	u32 := func() int {
		if rerr != nil {
			return 0
		}
		_, rerr = io.ReadFull(rd, buf[:4])
		return int(binary.LittleEndian.Uint32(buf[:4]))
	}
	f64 := func() float64 {
		if rerr != nil {
			return 0
		}
		_, rerr = io.ReadFull(rd, buf[:])
		return math.Float64frombits(binary.LittleEndian.Uint64(buf[:]))
	}
	const sane = 1 << 26
	out := &regional{}
	for _, dst := range []*[]statePoly{&out.Land, &out.Maritime} {
		n := u32()
		if n > sane {
			return nil, errors.New("corrupt region cache")
		}
		for range n {
			ls := u32()
			if ls > 16 || rerr != nil {
				return nil, errors.New("corrupt region cache")
			}
			var sb strings.Builder
			for range ls {
				b, err := rd.ReadByte()
				if err != nil {
					return nil, err
				}
				sb.WriteByte(b)
			}
			nr := u32()
			if nr > sane {
				return nil, errors.New("corrupt region cache")
			}
			p := make(polygon, nr)
			for i := range p {
				np := u32()
				if np > sane || rerr != nil {
					return nil, errors.New("corrupt region cache")
				}
				rg := make(ring, np)
				for j := range rg {
					rg[j].X = f64()
					rg[j].Y = f64()
				}
				p[i] = rg
			}
			*dst = append(*dst, statePoly{State: sb.String(), Poly: p})
		}
	}
	if rerr != nil {
		return nil, fmt.Errorf("corrupt region cache: %w", rerr)
	}
	return out, nil
}
