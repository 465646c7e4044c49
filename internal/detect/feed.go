package detect

import (
	"time"

	"accord/internal/ais"
)

// Message feeds one decoded AIS message received (or tag-block stamped) at the UTC time at:
// its position and its static data, when it carries them. Other messages are ignored.
func (d *Detector) Message(m ais.Message, at time.Time) {
	if s, ok := ais.StaticOf(m); ok {
		s.Time = at.UTC()
		d.Static(s)
	}
	if p, ok := ais.PositionOf(m); ok {
		p.Time = at.UTC()
		d.Position(p)
	}
}
