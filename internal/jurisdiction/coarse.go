package jurisdiction

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// Level 0: blocks of coarseN×coarseN level-1 cells (1/8° ≈ 7.5 nm by default) whose cells are
// all answered by interpolation with the same class and the same nearest other state, and
// whose baseline distance is reproduced by one biquadratic through nine samples (the block's
// corners, edge midpoints and centre) to within coarseTolNM at every level-1 vertex and cell
// centre of the block. Lookup answers such a block from one 64-byte leaf; the leaves and the
// per-block index are a few MB, small enough to stay in the processor's caches, where the
// level-1 records (80 MB) are read from main memory.

// coarseN is the number of level-1 cells along each side of a level-0 block.
const coarseN = 4

// coarseTolNM is the largest difference between the block's biquadratic and the exact
// baseline distance at the level-1 vertices and cell centres of the block.
const coarseTolNM = 0.01

// coarseOtherStep is the unit of coarseLeaf.otherOff, nm.
const coarseOtherStep = 1.0 / 16

// coarseLeaf is the packed level-0 answer of a block.
type coarseLeaf struct {
	d        [9]float32 // baseline distance at the block's 3×3 sample points, row-major from SW, nm
	otherMin float32    // least Engine.other of the block's cells, nm
	otherOff [coarseN * coarseN]uint8
	cls      uint16 // class (a level-1 entry without flagExactDist)
	otherSt  uint8  // Engine.otherSt of every cell of the block
	_        [5]byte
}

// lagrange3 returns the quadratic Lagrange weights of nodes 0, ½ and 1 at t.
func lagrange3(t float64) (w0, w1, w2 float64) {
	return 2 * (t - 0.5) * (t - 1), -4 * t * (t - 1), 2 * t * (t - 0.5)
}

// dist evaluates the leaf's biquadratic at u, w ∈ [0, 1] (fractions of the block, from SW).
func (l *coarseLeaf) dist(u, w float64) float64 {
	a0, a1, a2 := lagrange3(u)
	b0, b1, b2 := lagrange3(w)
	d := &l.d
	r0 := a0*float64(d[0]) + a1*float64(d[1]) + a2*float64(d[2])
	r1 := a0*float64(d[3]) + a1*float64(d[4]) + a2*float64(d[5])
	r2 := a0*float64(d[6]) + a1*float64(d[7]) + a2*float64(d[8])
	return b0*r0 + b1*r1 + b2*r2
}

// coarseDims is the number of level-0 blocks along x and y.
func (g *grid) coarseDims() (int, int) {
	return (g.nx + coarseN - 1) / coarseN, (g.ny + coarseN - 1) / coarseN
}

// computeCoarse builds level 0 from the level-1 index (cls, vdist, other, otherSt) and the
// exact baseline distance at every level-1 cell centre (centreD).
func (e *Engine) computeCoarse(centreD []float32) {
	g := &e.g
	tnx, tny := g.coarseDims()
	e.top = make([]uint32, tnx*tny)
	e.leaves = nil
	stride := g.nx + 1
	for tj := range tny {
		for ti := range tnx {
			t := tj*tnx + ti
			e.top[t] = noSub
			i0, j0 := ti*coarseN, tj*coarseN
			if i0+coarseN > g.nx || j0+coarseN > g.ny {
				continue
			}
			k0 := j0*g.nx + i0
			c0, st := e.cls[k0], e.otherSt[k0]
			if c0&flagExactDist != 0 {
				continue
			}
			uniform := true
			omin, omax := math.Inf(1), math.Inf(-1)
			for b := range coarseN {
				for a := range coarseN {
					k := k0 + b*g.nx + a
					if e.cls[k] != c0 || e.otherSt[k] != st {
						uniform = false
					}
					o := float64(e.other[k])
					omin, omax = math.Min(omin, o), math.Max(omax, o)
				}
			}
			if !uniform {
				continue
			}
			var l coarseLeaf
			l.cls, l.otherSt = c0, st
			if st != 0 {
				if omax-omin > 255*coarseOtherStep {
					continue
				}
				l.otherMin = float32(omin)
				for b := range coarseN {
					for a := range coarseN {
						o := float64(e.other[k0+b*g.nx+a])
						l.otherOff[b*coarseN+a] = uint8(math.Round((o - float64(l.otherMin)) / coarseOtherStep))
					}
				}
			}
			v0 := j0*stride + i0
			for b := range 3 {
				for a := range 3 {
					l.d[b*3+a] = e.vdist[v0+b*(coarseN/2)*stride+a*(coarseN/2)]
				}
			}
			ok := true
			// Level-1 vertices, then cell centres.
			for b := 0; b <= coarseN && ok; b++ {
				for a := 0; a <= coarseN; a++ {
					want := float64(e.vdist[v0+b*stride+a])
					if math.Abs(l.dist(float64(a)/coarseN, float64(b)/coarseN)-want) > coarseTolNM {
						ok = false
						break
					}
				}
			}
			for b := 0; b < coarseN && ok; b++ {
				for a := 0; a < coarseN; a++ {
					want := float64(centreD[k0+b*g.nx+a])
					if math.Abs(l.dist((float64(a)+0.5)/coarseN, (float64(b)+0.5)/coarseN)-want) > coarseTolNM {
						ok = false
						break
					}
				}
			}
			if !ok {
				continue
			}
			e.top[t] = uint32(len(e.leaves))
			e.leaves = append(e.leaves, l)
		}
	}
}

// coarseLeafSize is the size of a coarseLeaf in the index cache file (little-endian, the
// fields in order, zero padding).
const coarseLeafSize = 64

func encodeLeaves(ls []coarseLeaf) []byte {
	out := make([]byte, len(ls)*coarseLeafSize)
	le := binary.LittleEndian
	for i := range ls {
		l, b := &ls[i], out[i*coarseLeafSize:(i+1)*coarseLeafSize]
		for n, d := range l.d {
			le.PutUint32(b[4*n:], math.Float32bits(d))
		}
		le.PutUint32(b[36:], math.Float32bits(l.otherMin))
		copy(b[40:56], l.otherOff[:])
		le.PutUint16(b[56:], l.cls)
		b[58] = l.otherSt
	}
	return out
}

func decodeLeaves(raw []byte) []coarseLeaf {
	ls := make([]coarseLeaf, len(raw)/coarseLeafSize)
	le := binary.LittleEndian
	for i := range ls {
		l, b := &ls[i], raw[i*coarseLeafSize:(i+1)*coarseLeafSize]
		for n := range l.d {
			l.d[n] = math.Float32frombits(le.Uint32(b[4*n:]))
		}
		l.otherMin = math.Float32frombits(le.Uint32(b[36:]))
		copy(l.otherOff[:], b[40:56])
		l.cls = le.Uint16(b[56:])
		l.otherSt = b[58]
	}
	return ls
}

// leaf0 is a coarseLeaf as Lookup reads it: 32 bytes, so that a level-0 answer costs one
// cache line. Engine.lv0 holds the leaves in block order; Engine.lv0Bits marks the blocks
// that have one (a bitmap of a few tens of kB, which stays in the first-level cache) and
// Engine.lv0Rank counts the leaves before each 64-block word of it, so that a lookup whose
// block has no leaf does not read the leaves at all.
type leaf0 struct {
	d0      float32 // baseline distance at the block's south-west corner, nm
	dd      [8]int16
	other   uint16   // least OtherNM of the block's cells, in leafOtherMin units (floor)
	oo      [8]uint8 // per cell (row-major from SW, low nibble first): OtherNM above other, in leafOtherStep units
	cls     uint8    // index + 1 into Engine.lv0Cls; 0 for a block without a leaf
	otherSt uint8    // Engine.otherSt of every cell of the block
}

const (
	leafDistStep  = 1.0 / 2048 // unit of leaf0.dd: the other 8 samples less d0, nm
	leafOtherMin  = 1.0 / 16   // unit of leaf0.other, nm
	leafOtherStep = 0.55       // unit of leaf0.oo, nm (15 steps span the 8 nm a block's cell centres can differ by)
)

// packLeaves builds Engine.lv0, lv0Bits, lv0Rank and lv0Cls from top and leaves. A leaf
// whose samples or OtherNM values do not fit the compact form (or whose class does not fit
// the 255-entry class table) is left out: its block is answered by level 1. It returns the
// function that releases lv0.
func (e *Engine) packLeaves() func() {
	clsIdx := map[uint16]uint8{}
	var classes []uint16
	out := make([]leaf0, 0, len(e.leaves))
	e.lv0Bits = make([]uint64, (len(e.top)+63)/64)
	for t, li := range e.top {
		if li == noSub {
			continue
		}
		l := &e.leaves[li]
		var c leaf0
		c.d0, c.otherSt = l.d[0], l.otherSt
		ok := true
		for n := 1; n < 9; n++ {
			q := math.Round(float64(l.d[n]-l.d[0]) / leafDistStep)
			if math.Abs(q) > math.MaxInt16 {
				ok = false
			}
			c.dd[n-1] = int16(q)
		}
		if l.otherSt != 0 {
			m := math.Floor(float64(l.otherMin) / leafOtherMin)
			if m > math.MaxUint16 {
				ok = false
			}
			c.other = uint16(m)
			for n, o := range l.otherOff {
				v := (float64(l.otherMin) + float64(o)*coarseOtherStep) - m*leafOtherMin
				q := math.Round(v / leafOtherStep)
				if q > 15 {
					ok = false
				}
				c.oo[n/2] |= uint8(q) << (4 * (n % 2))
			}
		}
		ci, known := clsIdx[l.cls]
		if !known && len(classes) < 255 {
			classes = append(classes, l.cls)
			ci = uint8(len(classes))
			clsIdx[l.cls] = ci
		}
		if !ok || ci == 0 {
			continue
		}
		c.cls = ci
		e.lv0Bits[t/64] |= 1 << (t % 64)
		out = append(out, c)
	}
	e.lv0Rank = make([]uint32, len(e.lv0Bits))
	n := 0
	for w, b := range e.lv0Bits {
		e.lv0Rank[w] = uint32(n)
		n += bits.OnesCount64(b)
	}
	var free func()
	e.lv0, free = hugeSlice[leaf0](len(out))
	copy(e.lv0, out)
	e.lv0Cls = classes
	return free
}

// leaf returns the level-0 leaf of block t, nil when it has none.
func (e *Engine) leaf(t int) *leaf0 {
	w := e.lv0Bits[t/64]
	bit := uint64(1) << (t % 64)
	if w&bit == 0 {
		return nil
	}
	return &e.lv0[int(e.lv0Rank[t/64])+bits.OnesCount64(w&(bit-1))]
}

// otherNM is the OtherNM of cell a, b (0…coarseN-1 from the block's south-west corner).
func (l *leaf0) otherNM(a, b int) float32 {
	n := b*coarseN + a
	return float32(l.other)*leafOtherMin + float32(l.oo[n/2]>>(4*(n%2))&15)*leafOtherStep
}

// dist evaluates the block's biquadratic at u, w ∈ [0, 1] (fractions of the block, from SW).
func (l *leaf0) dist(u, w float64) float64 {
	a0, a1, a2 := lagrange3(u)
	b0, b1, b2 := lagrange3(w)
	dd := &l.dd
	// The weights sum to 1: d0 plus the weighted differences.
	r0 := a1*float64(dd[0]) + a2*float64(dd[1])
	r1 := a0*float64(dd[2]) + a1*float64(dd[3]) + a2*float64(dd[4])
	r2 := a0*float64(dd[5]) + a1*float64(dd[6]) + a2*float64(dd[7])
	return float64(l.d0) + (b0*r0+b1*r1+b2*r2)*leafDistStep
}
