package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// pageCSP is the Content-Security-Policy of the browser routes: everything from this origin only,
// no inline script or style, no external host. MapLibre needs data: images (its control icons in
// CSS); its worker is a same-origin module (setWorkerUrl), so no blob: worker is allowed.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; worker-src 'self'; manifest-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// distDir is where `node web/build.mjs` writes the bundle, inside the static tree.
const distDir = "dist"

// asset is one static file, addressed by a URL that embeds a hash of its content, so it can be
// cached forever.
type asset struct {
	name        string // path below dist/, e.g. "app.js"
	hash        string // first 16 hex digits of the SHA-256 of data
	data        []byte
	gz          []byte // the gzip variant written by the build, or nil
	contentType string
}

// URL returns the content-hashed URL of the asset.
func (a *asset) URL() string { return "/static/" + a.hash + "/" + a.name }

// assets are the built front-end files. When the bundle was not built, byName is empty and the
// map page explains how to build it.
type assets struct {
	byName  map[string]*asset
	modTime time.Time
}

// The files the map page needs.
const (
	assetJS      = "app.js"
	assetCSS     = "app.css"
	assetWorker  = "maplibre-gl-worker.mjs"
	assetBasemap = "basemap.geojson"
	assetFeed    = "vesselworker.js" // fetches and decodes the vessel feed off the main thread
)

func (a *assets) built() bool {
	for _, n := range []string{assetJS, assetCSS, assetWorker, assetBasemap, assetFeed} {
		if a.byName[n] == nil {
			return false
		}
	}
	return true
}

// loadAssets reads every file under dist/ of static and hashes it.
func loadAssets(static fs.FS, log *slog.Logger) *assets {
	a := &assets{byName: make(map[string]*asset), modTime: time.Now()}
	err := fs.WalkDir(static, distDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".gz") {
			return err
		}
		data, err := fs.ReadFile(static, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		name := strings.TrimPrefix(p, distDir+"/")
		x := &asset{name: name, hash: hex.EncodeToString(sum[:8]), data: data, contentType: contentType(name)}
		if gz, err := fs.ReadFile(static, p+".gz"); err == nil {
			x.gz = gz
		}
		a.byName[name] = x
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		log.Error("reading web assets", "err", err)
	}
	if !a.built() {
		log.Warn("web assets not built: the map page will say so; run `make web` (node web/build.mjs) and rebuild")
	}
	return a
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".geojson":
		return "application/geo+json"
	case ".json":
		return "application/json"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// handleStatic serves /static/{hash}/{name...}. A hash that does not match the current content
// is a 404, so a stale URL never serves new content under an immutable cache header.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) error {
	a := s.assets.byName[r.PathValue("name")]
	if a == nil || a.hash != r.PathValue("hash") {
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound,
			Message: "no such static asset; reload the page to get the current asset URLs"}
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+a.hash+`"`)
	h.Set("Vary", "Accept-Encoding")
	body := a.data
	if a.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		h.Set("ETag", `"`+a.hash+`-gz"`)
		body = a.gz
	}
	http.ServeContent(w, r, "", s.assets.modTime, bytes.NewReader(body))
	return nil
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, param, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(enc), "gzip") {
			continue
		}
		param = strings.ReplaceAll(param, " ", "")
		if qv, ok := strings.CutPrefix(param, "q="); ok {
			q, err := strconv.ParseFloat(qv, 64)
			return err == nil && q > 0
		}
		return true
	}
	return false
}

// pageConfig is handed to the map script as JSON in the page.
type pageConfig struct {
	API     string `json:"api"`     // base of the JSON API
	Worker  string `json:"worker"`  // URL of the MapLibre worker module
	Basemap string `json:"basemap"` // URL of the basemap GeoJSON
	// VesselWorker is the URL of the module worker that fetches the vessel feed.
	VesselWorker string `json:"vesselWorker"`
}

type indexData struct {
	Built  bool
	CSS    string
	JS     string
	Config pageConfig
}

func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) error {
	d := indexData{Built: s.assets.built()}
	if d.Built {
		d.CSS = s.assets.byName[assetCSS].URL()
		d.JS = s.assets.byName[assetJS].URL()
		d.Config = pageConfig{
			API:          "/api/v1",
			Worker:       s.assets.byName[assetWorker].URL(),
			Basemap:      s.assets.byName[assetBasemap].URL(),
			VesselWorker: s.assets.byName[assetFeed].URL(),
		}
	}
	var buf bytes.Buffer
	if err := s.index.ExecuteTemplate(&buf, "index.html", d); err != nil {
		return fmt.Errorf("rendering the map page: %w", err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	status := http.StatusOK
	if !d.Built {
		status = http.StatusServiceUnavailable
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return nil
}
