package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"accord/internal/vessel"
)

// The record file holds simulated reports in a compact binary layout, so that a day can be
// generated once and replayed through the detectors without the simulator's cost. After the
// magic line each record is a tag byte and fixed little-endian fields:
//
//	'P' position: MMSI u32, Unix seconds i64, lat f64, lon f64, SOG f32, COG f32, heading f32,
//	    navigational status i8, message type u8 (43 bytes);
//	'S' static: MMSI u32, IMO u32, Unix seconds i64, ship type u8, length, beam, draught f32,
//	    class B u8, then name, call sign, destination and flag as u8 length + bytes.
//
// Speeds, courses, heading and dimensions are stored as float32, the precision the detectors
// keep; coordinates are exact.
const recordMagic = "ACCORD-SIM-REPORTS 1\n"

type recordWriter struct {
	w   *bufio.Writer
	buf [64]byte
	err error
}

func newRecordWriter(w io.Writer) (*recordWriter, error) {
	rw := &recordWriter{w: bufio.NewWriterSize(w, 1<<20)}
	_, err := rw.w.WriteString(recordMagic)
	return rw, err
}

func (rw *recordWriter) position(p vessel.Position) {
	if rw.err != nil {
		return
	}
	b := rw.buf[:43]
	le := binary.LittleEndian
	b[0] = 'P'
	le.PutUint32(b[1:], p.MMSI)
	le.PutUint64(b[5:], uint64(p.Time.Unix()))
	le.PutUint64(b[13:], math.Float64bits(p.Lat))
	le.PutUint64(b[21:], math.Float64bits(p.Lon))
	le.PutUint32(b[29:], math.Float32bits(float32(p.SOG)))
	le.PutUint32(b[33:], math.Float32bits(float32(p.COG)))
	le.PutUint32(b[37:], math.Float32bits(float32(p.Heading)))
	b[41] = byte(int8(p.NavStatus))
	b[42] = byte(p.MsgType)
	_, rw.err = rw.w.Write(b)
}

func (rw *recordWriter) static(s vessel.Static) {
	if rw.err != nil {
		return
	}
	b := rw.buf[:31]
	le := binary.LittleEndian
	b[0] = 'S'
	le.PutUint32(b[1:], s.MMSI)
	le.PutUint32(b[5:], s.IMO)
	le.PutUint64(b[9:], uint64(s.Time.Unix()))
	b[17] = byte(s.ShipType)
	le.PutUint32(b[18:], math.Float32bits(float32(s.Length)))
	le.PutUint32(b[22:], math.Float32bits(float32(s.Beam)))
	le.PutUint32(b[26:], math.Float32bits(float32(s.Draught)))
	b[30] = 0
	if s.ClassB {
		b[30] = 1
	}
	if _, rw.err = rw.w.Write(b); rw.err != nil {
		return
	}
	for _, str := range []string{s.Name, s.CallSign, s.Destination, s.Flag} {
		if len(str) > 255 {
			str = str[:255]
		}
		rw.w.WriteByte(byte(len(str)))
		_, rw.err = rw.w.WriteString(str)
	}
}

func (rw *recordWriter) flush() error {
	if rw.err != nil {
		return rw.err
	}
	return rw.w.Flush()
}

// readRecords reads a record file and hands each report to c, in file order, until the end
// of the file or until stop returns an error (asked every 65,536 records).
func readRecords(r io.Reader, c *capture, stop func() error) error {
	br := bufio.NewReaderSize(r, 1<<20)
	magic := make([]byte, len(recordMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != recordMagic {
		return fmt.Errorf("not a record file (want the line %q first)", recordMagic[:len(recordMagic)-1])
	}
	var b [64]byte
	le := binary.LittleEndian
	f32 := func(b []byte) float64 { return float64(math.Float32frombits(le.Uint32(b))) }
	var str [256]byte
	interned := map[string]string{} // names repeat every 6 minutes: one string each
	readStr := func() (string, error) {
		n, err := br.ReadByte()
		if err != nil {
			return "", err
		}
		if _, err := io.ReadFull(br, str[:n]); err != nil {
			return "", err
		}
		if s, ok := interned[string(str[:n])]; ok {
			return s, nil
		}
		s := string(str[:n])
		interned[s] = s
		return s, nil
	}
	for n := int64(0); ; n++ {
		if n&0xffff == 0 {
			if err := stop(); err != nil {
				return err
			}
		}
		tag, err := br.ReadByte()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch tag {
		case 'P':
			if _, err := io.ReadFull(br, b[1:43]); err != nil {
				return fmt.Errorf("record %d: %w", n, err)
			}
			p := vessel.Position{MMSI: le.Uint32(b[1:]), Time: time.Unix(int64(le.Uint64(b[5:])), 0).UTC(),
				Lat: math.Float64frombits(le.Uint64(b[13:])), Lon: math.Float64frombits(le.Uint64(b[21:])),
				SOG: f32(b[29:]), COG: f32(b[33:]), Heading: f32(b[37:]), NavStatus: int(int8(b[41])), MsgType: int(b[42])}
			c.positions++
			c.simNow = p.Time
			c.add(event{pos: p})
		case 'S':
			if _, err := io.ReadFull(br, b[1:31]); err != nil {
				return fmt.Errorf("record %d: %w", n, err)
			}
			s := vessel.Static{MMSI: le.Uint32(b[1:]), IMO: le.Uint32(b[5:]), Time: time.Unix(int64(le.Uint64(b[9:])), 0).UTC(),
				ShipType: int(b[17]), Length: f32(b[18:]), Beam: f32(b[22:]), Draught: f32(b[26:]), ClassB: b[30] == 1}
			var e1, e2, e3, e4 error
			s.Name, e1 = readStr()
			s.CallSign, e2 = readStr()
			s.Destination, e3 = readStr()
			s.Flag, e4 = readStr()
			if err := errors.Join(e1, e2, e3, e4); err != nil {
				return fmt.Errorf("record %d: %w", n, err)
			}
			c.statics++
			c.mmsi[s.MMSI] = struct{}{}
			c.add(event{static: true, st: s})
		default:
			return fmt.Errorf("record %d: unknown tag %q", n, tag)
		}
	}
}
