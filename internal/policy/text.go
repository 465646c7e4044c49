package policy

import (
	"fmt"
	"strings"
	"time"

	"accord/internal/ops"
)

// ts formats a time as RFC 3339 UTC.
func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func kindES(k ops.Kind) string {
	switch k {
	case ops.Officer:
		return "funcionario(s)"
	case ops.Agent:
		return "agente(s)"
	case ops.Troops:
		return "efectivo(s) militares"
	case ops.Ship:
		return "buque(s)"
	}
	return string(k)
}

func kindEN(k ops.Kind) string {
	if k == ops.Troops {
		return "troops"
	}
	return string(k) + "(s)"
}

func armedES(a bool) string {
	if a {
		return " armado(s)"
	}
	return ""
}

func armedEN(a bool) string {
	if a {
		return " (armed)"
	}
	return ""
}

// describeES and describeEN list participant groups: "2 agent(s) of USA DEA (armed)".
func describeES(ps []ops.Participant) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = fmt.Sprintf("%d %s de %s %s%s", p.Count, kindES(p.Kind), p.State, p.Agency, armedES(p.Armed))
	}
	return strings.Join(s, ", ")
}

func describeEN(ps []ops.Participant) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = fmt.Sprintf("%d %s of %s %s%s", p.Count, kindEN(p.Kind), p.State, p.Agency, armedEN(p.Armed))
	}
	return strings.Join(s, ", ")
}

// orAnyES and orAnyEN name an authority, or the state's government when none is configured.
func orAnyES(state, auth string) string {
	if auth == "" {
		return "una autoridad competente de " + state
	}
	return auth + " (" + state + ")"
}

func orAnyEN(state, auth string) string {
	if auth == "" {
		return "a competent authority of " + state
	}
	return auth + " (" + state + ")"
}
