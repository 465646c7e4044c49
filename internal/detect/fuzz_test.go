package detect

import (
	"strings"
	"testing"
)

// FuzzReadTrackCSV: any input gives rows in time order or an error, never a panic.
func FuzzReadTrackCSV(f *testing.F) {
	f.Add("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass\n" +
		"338148873,2022-01-03T00:00:00,33.60716,-117.91483,0,280,511,CAZADOR,,,37,NA,14,NA,NA,NA,B\n")
	f.Add("\ufeffID,ais_pos_timestamp,longitude,latitude\n1,20/03/2021 00:22,32.32925,31.4386\n1,20/03/2021 00:21,32.3,31.4\n")
	f.Add("mmsi,time,lat,lon,sog\n345000001,2026-01-15T00:00:00Z,95,-90,3\n345000001,bad,20,-90,x\n")
	f.Add("a,b\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, s string) {
		tf, err := ReadTrackCSV(strings.NewReader(s), "fuzz.csv")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for i := 1; i < len(tf.Rows); i++ {
			if tf.Rows[i].Position.Time.Before(tf.Rows[i-1].Position.Time) {
				t.Fatal("rows out of time order")
			}
		}
		for _, r := range tf.Rows {
			p := r.Position
			if p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180 || p.MMSI == 0 {
				t.Fatalf("bad row kept: %+v", p)
			}
		}
		d, _ := New(DefaultConfig(), nil, nil, nil)
		d.Rows(tf.Rows)
		d.Close()
	})
}

// FuzzPortsRead: any input is read or refused with an error naming the file, never a panic.
func FuzzPortsRead(f *testing.F) {
	f.Add("iso3,label,sublabel,latitude,longitude\nCAN,THUNDER BAY,,48.4,-89.233333\n")
	f.Add("s2id,latitude,longitude,label,sublabel,iso3\n8efe7543,11.84060637,1001,POINTE NOIRE,,COG\n")
	f.Add("latitude\n1\n")
	f.Fuzz(func(t *testing.T, s string) {
		var x PortIndex
		if err := x.Read(strings.NewReader(s), "ports.csv"); err != nil && !strings.Contains(err.Error(), "ports.csv") {
			t.Fatalf("error does not name the file: %v", err)
		}
		x.Near(10, 10, 10000)
	})
}
