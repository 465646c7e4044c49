package access

import (
	"fmt"
	"strings"
)

// Grade is an Admiralty (NATO STANAG 2511) grade: the reliability of the source, A (completely
// reliable) to F (cannot be judged), and the credibility of the information, 1 (confirmed by
// other sources) to 6 (cannot be judged).
type Grade struct {
	Reliability byte // 'A'..'F'
	Credibility int  // 1..6
}

// String returns the usual two-character form, e.g. "B2".
func (g Grade) String() string { return fmt.Sprintf("%c%d", g.Reliability, g.Credibility) }

// Validate checks both halves of the grade.
func (g Grade) Validate() error {
	if g.Reliability < 'A' || g.Reliability > 'F' {
		return fmt.Errorf("%w source reliability %q: use A (completely reliable) to F (cannot be judged)", ErrInvalid, string(rune(g.Reliability)))
	}
	if g.Credibility < 1 || g.Credibility > 6 {
		return fmt.Errorf("%w information credibility %d: use 1 (confirmed) to 6 (cannot be judged)", ErrInvalid, g.Credibility)
	}
	return nil
}

// ParseGrade parses "B2" (case-insensitive, surrounding space ignored).
func ParseGrade(s string) (Grade, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	if len(t) != 2 {
		return Grade{}, fmt.Errorf("%w Admiralty grade %q: use a letter A-F and a digit 1-6, e.g. B2", ErrInvalid, s)
	}
	g := Grade{Reliability: t[0], Credibility: int(t[1]) - '0'}
	if err := g.Validate(); err != nil {
		return Grade{}, fmt.Errorf("grade %q: %w", s, err)
	}
	return g, nil
}
