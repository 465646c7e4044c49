package sim

import (
	"cmp"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"accord/internal/vessel"
)

// builder assembles the agents of one run. Every agent draws from its own random stream, seeded
// by the run's seed and the agent's stable key, so an agent behaves the same whatever else is in
// the scenario (the ground truth is computed from the planted agents alone).
type builder struct {
	seed   uint64
	start  int64
	reg    *registry
	slots  map[*port]int // next free slot per port (looked up by key only, never iterated)
	agents []*agent
	record bool  // planted agents keep what they transmit (for the ground truth)
	minDT  int64 // Options.MinInterval, seconds
}

func newBuilder(seed uint64, start int64) *builder {
	return &builder{seed: seed, start: start, reg: newRegistry(), slots: make(map[*port]int)}
}

func (b *builder) rng(key string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(key))
	return rand.New(rand.NewPCG(b.seed, h.Sum64()))
}

// slot hands out the port's mooring slots in turn (they repeat once all are taken).
func (b *builder) slot(p *port) ll {
	if p.sea {
		return p.approach[0]
	}
	s := p.slots()
	i := b.slots[p]
	b.slots[p] = i + 1
	return s[i%len(s)]
}

// newAgent makes an agent with its own random stream.
func (b *builder) newAgent(key string) *agent {
	a := &agent{key: key, rng: b.rng(key), minDT: b.minDT}
	a.hdgStay = 360 * a.rng.Float64()
	a.phase = [2]float64{2 * math.Pi * a.rng.Float64(), 2 * math.Pi * a.rng.Float64()}
	return a
}

// add schedules the agent's first tick.
func (b *builder) add(a *agent) *agent {
	a.idx = len(b.agents)
	a.t = b.start + int64(a.rng.IntN(10)) // transponders are not in step
	a.staticNow = true
	if a.goneAt == 0 && a.plan == nil {
		panic("sim: agent " + a.key + " has no plan")
	}
	b.agents = append(b.agents, a)
	return a
}

// count is the number of vessels of a group of base size n at the given scale.
func count(n int, scale float64) int {
	c := int(math.Round(float64(n) * scale))
	return max(c, 1)
}

func (b *builder) addLane(ln *lane, n int) {
	for i := range n {
		a := b.newAgent("lane/" + ln.key + "/" + itoa(i))
		r := a.rng
		k := ln.kinds[r.IntN(len(ln.kinds))]
		lp := &lanePlanner{ln: ln, kind: k, u: 0.15 + 0.85*r.Float64(), speed: serviceSpeed(k, r), reg: b.reg}
		if !ln.a.sea {
			lp.slotA = b.slot(ln.a)
		}
		if !ln.b.sea {
			lp.slotB = b.slot(ln.b)
		}
		a.id, a.plan = newIdentity(k, b.reg, r), lp
		a.classB = a.id.ClassB
		lp.place(a, b.start)
		b.add(a)
	}
}

func (b *builder) addFerries(fr *ferryRoute, n int) {
	for i := range n {
		a := b.newAgent("ferry/" + fr.key + "/" + itoa(i))
		r := a.rng
		fp := &ferryPlanner{fr: fr, homeA: i%2 == 0}
		if fr.half > 0 {
			fp.shift = int64(i/2) * fr.half / int64(max(1, n/2))
		} else {
			fp.shift = int64(i/2) * 3600
		}
		const mid = 345 // the ferries are Mexican
		st := vessel.Static{
			MMSI:     b.reg.mmsi(mid, r),
			IMO:      b.reg.imo(r),
			Name:     fr.name[i%len(fr.name)],
			CallSign: callSign(mid, r),
			ShipType: fr.shipType,
			Length:   fr.length,
			Beam:     fr.beam,
			Draught:  fr.draught,
			Flag:     flagOf(mid),
		}
		if i >= len(fr.name) {
			st.Name += " " + itoa(i/len(fr.name)+1)
		}
		a.id, a.plan = st, fp
		fp.place(a, b.start)
		b.add(a)
	}
}

func (b *builder) addFishing(g *fishingGround, n int) {
	k := kindTrawler
	if g.classB {
		k = kindPanga
	}
	for i := range n {
		a := b.newAgent("fishing/" + g.key + "/" + itoa(i))
		r := a.rng
		fp := &fishPlanner{cell: g.cell(i), speedLo: kinds[k].speedMin, speed: kinds[k].speedMx, classB: g.classB}
		a.id, a.plan, a.classB = newIdentity(k, b.reg, r), fp, g.classB
		a.id.Destination = g.home
		a.pos = randomInDisc(fp.cell, fishingCellRadius, r)
		a.leg = fp.next(a, b.start)
		b.add(a)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var buf [20]byte
	n := len(buf)
	for i > 0 {
		n--
		buf[n] = byte('0' + i%10)
		i /= 10
	}
	return string(buf[n:])
}

func unixUTC(t int64) time.Time { return time.Unix(t, 0).UTC() }

// run steps the agents in time order until end (exclusive) and hands every transmitted report to
// out. It returns out's first error.
func run(agents []*agent, end int64, out func(a *agent, t int64, rep *report) error, every func() error) error {
	if len(agents) == 0 {
		return nil
	}
	// A calendar queue: one bucket per second on a ring longer than any reporting interval.
	// Each second's agents tick in index order, which is the order of a min-heap on (time,
	// index), at a fraction of its cost for tens of thousands of agents.
	now, horizon := agents[0].t, int64(reportIntervalMax)
	for _, a := range agents {
		now = min(now, a.t)
		horizon = max(horizon, a.minDT)
	}
	size := int64(256)
	for size <= horizon+16 {
		size *= 2
	}
	mask := size - 1
	ring := make([][]*agent, size)
	for _, a := range agents {
		if a.t-now >= size {
			panic("sim: an agent starts beyond the calendar's horizon")
		}
		ring[a.t&mask] = append(ring[a.t&mask], a)
	}
	left, n := len(agents), 0
	for ; left > 0 && now < end; now++ {
		b := ring[now&mask]
		if len(b) == 0 {
			continue
		}
		slices.SortFunc(b, func(x, y *agent) int { return cmp.Compare(x.idx, y.idx) })
		for _, a := range b {
			rep, ok := a.tick()
			if ok {
				if err := out(a, now, &rep); err != nil {
					return err
				}
			}
			if a.goneAt != 0 && a.t >= a.goneAt {
				left--
			} else {
				if a.t <= now || a.t-now >= size {
					panic("sim: a reporting interval outside the calendar's horizon")
				}
				ring[a.t&mask] = append(ring[a.t&mask], a)
			}
			if n++; n&1023 == 0 && every != nil {
				if err := every(); err != nil {
					return err
				}
			}
		}
		clear(b)
		ring[now&mask] = b[:0]
	}
	return nil
}
