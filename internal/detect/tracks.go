package detect

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"accord/internal/vessel"
)

// TrackRow is one row of a track file: a position and, when the file carries them, the
// vessel's static data.
type TrackRow struct {
	Position  vessel.Position
	Static    vessel.Static
	HasStatic bool
}

// TrackFile is what [ReadTrackCSV] read.
type TrackFile struct {
	Format   string     // "marinecadastre", "movingpandas" or "generic"
	Rows     []TrackRow // in time order (stable for equal times)
	Skipped  int        // rows left out for a bad field
	Problems []error    // the first ten of them, naming file, line and field
	// TimeResolution is the resolution of the file's timestamps (a minute for movingpandas'
	// dd/mm/yyyy HH:MM); use it as Config.TimeResolution.
	TimeResolution time.Duration
}

// ReadTrackCSV reads a CSV file of vessel positions in one of three layouts, recognised by
// its header:
//
//   - MarineCadastre (US NAIS): MMSI, BaseDateTime (UTC, 2006-01-02T15:04:05), LAT, LON, SOG,
//     COG, Heading, VesselName, IMO ("IMO1234567"), CallSign, VesselType, Status, Length,
//     Width, Draft, Cargo, TransceiverClass (A or B);
//   - movingpandas examples: ID, ais_pos_timestamp (dd/mm/yyyy HH:MM, UTC), longitude,
//     latitude; the IDs are not MMSIs, so the rows carry message type 0 and no MMSI check
//     applies;
//   - generic: mmsi, time (RFC 3339), lat, lon, and optionally sog, cog.
//
// The whole file is read and sorted by time (archives are often ordered by vessel). A row
// with a bad field is left out, counted in Skipped and named in Problems; a file whose header
// matches no layout is an error. name is used in messages.
func ReadTrackCSV(r io.Reader, name string) (*TrackFile, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty file: want a CSV header", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	has := func(names ...string) bool {
		for _, n := range names {
			if _, ok := col[n]; !ok {
				return false
			}
		}
		return true
	}
	tf := &TrackFile{TimeResolution: time.Second}
	var idCol, timeCol, latCol, lonCol string
	var layout string
	switch {
	case has("mmsi", "basedatetime", "lat", "lon"):
		tf.Format, idCol, timeCol, latCol, lonCol, layout = "marinecadastre", "mmsi", "basedatetime", "lat", "lon", "2006-01-02T15:04:05"
	case has("id", "ais_pos_timestamp", "longitude", "latitude"):
		tf.Format, idCol, timeCol, latCol, lonCol, layout = "movingpandas", "id", "ais_pos_timestamp", "latitude", "longitude", "02/01/2006 15:04"
		tf.TimeResolution = time.Minute
	case has("mmsi", "time", "lat", "lon"):
		tf.Format, idCol, timeCol, latCol, lonCol, layout = "generic", "mmsi", "time", "lat", "lon", time.RFC3339
	default:
		return nil, fmt.Errorf("%s:1: header %q matches no track layout: want MarineCadastre (MMSI,BaseDateTime,LAT,LON,...), movingpandas (ID,ais_pos_timestamp,longitude,latitude) or mmsi,time,lat,lon[,sog,cog]",
			name, strings.Join(head, ","))
	}
	skip := func(line int, format string, args ...any) {
		tf.Skipped++
		if len(tf.Problems) < 10 {
			tf.Problems = append(tf.Problems, fmt.Errorf("%s:%d: %s; row left out", name, line, fmt.Sprintf(format, args...)))
		}
	}
	get := func(rec []string, c string) string {
		i, ok := col[c]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	num := func(rec []string, c string) float64 { // NaN when absent or "NA"
		v, err := strconv.ParseFloat(get(rec, c), 64)
		if err != nil {
			return math.NaN()
		}
		return v
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line := 0
		if err == nil && len(rec) > 0 {
			line, _ = cr.FieldPos(0)
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				skip(pe.Line, "%v", pe.Err)
				continue
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		id, err := strconv.ParseUint(get(rec, idCol), 10, 32)
		if err != nil || id == 0 {
			skip(line, "%s %q: want a positive integer", idCol, get(rec, idCol))
			continue
		}
		ts, err := time.Parse(layout, get(rec, timeCol))
		if err != nil {
			skip(line, "%s %q: want a time like %s", timeCol, get(rec, timeCol), layout)
			continue
		}
		lat, err1 := strconv.ParseFloat(get(rec, latCol), 64)
		lon, err2 := strconv.ParseFloat(get(rec, lonCol), 64)
		if err1 != nil || !(lat >= -90 && lat <= 90) {
			skip(line, "%s %q: want degrees in -90..90", latCol, get(rec, latCol))
			continue
		}
		if err2 != nil || !(lon >= -180 && lon <= 180) {
			skip(line, "%s %q: want degrees in -180..180", lonCol, get(rec, lonCol))
			continue
		}
		p := vessel.Position{MMSI: uint32(id), Time: ts.UTC(), Lat: lat, Lon: lon, SOG: math.NaN(), COG: math.NaN(), Heading: math.NaN(),
			NavStatus: -1, Source: name}
		row := TrackRow{}
		switch tf.Format {
		case "marinecadastre":
			p.SOG, p.COG = num(rec, "sog"), num(rec, "cog")
			if p.SOG < 0 || p.SOG > 102.2 {
				p.SOG = math.NaN()
			}
			if h := num(rec, "heading"); h >= 0 && h < 360 {
				p.Heading = h
			}
			if s := num(rec, "status"); s >= 0 && s <= 15 {
				p.NavStatus = int(s)
			}
			classB := strings.EqualFold(get(rec, "transceiverclass"), "B")
			p.MsgType = 1
			if classB {
				p.MsgType = 18
			}
			st := vessel.Static{MMSI: p.MMSI, Name: get(rec, "vesselname"), CallSign: get(rec, "callsign"), ClassB: classB,
				Length: num(rec, "length"), Beam: num(rec, "width"), Draught: num(rec, "draft"), Time: p.Time, Source: name}
			if v, err := strconv.ParseUint(strings.TrimPrefix(get(rec, "imo"), "IMO"), 10, 32); err == nil {
				st.IMO = uint32(v)
			}
			if v := num(rec, "vesseltype"); v > 0 && v <= 99 {
				st.ShipType = int(v)
			}
			row.Static, row.HasStatic = st, true
		case "generic":
			p.SOG, p.COG = num(rec, "sog"), num(rec, "cog")
			p.MsgType = 1
		}
		row.Position = p
		tf.Rows = append(tf.Rows, row)
	}
	sort.SliceStable(tf.Rows, func(i, j int) bool { return tf.Rows[i].Position.Time.Before(tf.Rows[j].Position.Time) })
	return tf, nil
}

// Rows feeds the rows of a track file to the detector (static data first, then the position).
func (d *Detector) Rows(rows []TrackRow) {
	for i := range rows {
		if rows[i].HasStatic {
			d.Static(rows[i].Static)
		}
		d.Position(rows[i].Position)
	}
}
