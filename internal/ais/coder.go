package ais

import "fmt"

// coder walks a message layout once, either reading fields from a bit buffer (decode) or
// writing them (encode), so that each layout is written down exactly once.
type coder struct {
	r   *bitbuf    // decoding when non-nil
	w   *bitwriter // encoding when r is nil
	pos int        // bit position of the next field
	err error      // first encoding error
}

func (c *coder) decoding() bool { return c.r != nil }

func (c *coder) uv(v uint64, n int) uint64 {
	if c.r != nil {
		v = c.r.u(c.pos, n)
	} else {
		if v>>uint(n) != 0 {
			c.fail(v, n)
		}
		c.w.put(v, n)
	}
	c.pos += n
	return v
}

func (c *coder) fail(v any, n int) {
	if c.err == nil {
		c.err = fmt.Errorf("%w: value %v does not fit the %d-bit field at bit %d", ErrEncode, v, n, c.pos)
	}
}

func (c *coder) u8(p *uint8, n int)   { *p = uint8(c.uv(uint64(*p), n)) }
func (c *coder) u16(p *uint16, n int) { *p = uint16(c.uv(uint64(*p), n)) }
func (c *coder) u32(p *uint32, n int) { *p = uint32(c.uv(uint64(*p), n)) }

func (c *coder) i8(p *int8, n int) {
	if c.r != nil {
		*p = int8(c.r.s(c.pos, n))
		c.pos += n
		return
	}
	c.iw(int64(*p), n)
}

func (c *coder) i32(p *int32, n int) {
	if c.r != nil {
		*p = int32(c.r.s(c.pos, n))
		c.pos += n
		return
	}
	c.iw(int64(*p), n)
}

func (c *coder) iw(v int64, n int) {
	if lim := int64(1) << uint(n-1); v < -lim || v >= lim {
		c.fail(v, n)
	}
	c.w.put(uint64(v), n)
	c.pos += n
}

func (c *coder) flag(p *bool) {
	var v uint64
	if *p {
		v = 1
	}
	*p = c.uv(v, 1) != 0
}

// text codes n six-bit characters as transmitted.
func (c *coder) text(p *string, n int) {
	if c.r != nil {
		*p = c.r.text(c.pos, n)
	} else if err := c.w.putText(*p, n); err != nil && c.err == nil {
		c.err = err
	}
	c.pos += 6 * n
}
