package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"accord/internal/jurisdiction"
	"accord/internal/ops"
)

// Rule is one rule of law or of the partnership's policy. ID is stable; Version changes when
// the rule's meaning changes; Citation is the primary law it rests on (../shared/LAW.md);
// Summary says in one sentence when it fires and what it does. A rule is switched off by
// listing its ID in Config.Disabled.
type Rule struct {
	ID       string `json:"id"`
	Version  int    `json:"version"`
	Citation string `json:"citation"`
	Summary  string `json:"summary"`
	eval     func(c *evalCtx, r *Rule)
}

// Rule ids referred to by the engine itself.
const ruleConsentScope = "consent.scope"

// ruleTable is the policy, in evaluation order. Reading it top to bottom is reading the law
// the system applies; each eval function is below, with the same name as its id.
var ruleTable = []*Rule{
	{ID: "place.known", Version: 1, Citation: "DESIGN §1 principle 1 (each one in its own territory: decide only where the state is known)",
		Summary: "Deny when any part of the place lies outside the region the jurisdiction engine answers.", eval: placeKnown},
	{ID: "force.lethal", Version: 1, Citation: "Ley Nacional sobre el Uso de la Fuerza art. 11 fr. V; DESIGN §1 principle 4",
		Summary: "Deny any operation planning use-of-force level 5 (firearms or lethal force).", eval: forceLethal},
	{ID: "force.ceiling", Version: 1, Citation: "Ley Nacional sobre el Uso de la Fuerza (absolute necessity, proportionality) art. 11",
		Summary: "Deny an operation planning more force than its type's configured ceiling.", eval: forceCeiling},
	{ID: "corroboration", Version: 1, Citation: "Partnership policy, DESIGN §1 principle 3 and §6 (intrusive actions need ≥ 2 independent graded sources)",
		Summary: "Deny an intrusive operation whose corroboration is missing or below the configured sources and grade.", eval: corroboration},
	{ID: "territoriality", Version: 2, Citation: "per host: MEX " + citeConstMX40 + "; other states " + citeSeaSovereignty + " at sea, " + citeLandSovereignty + " on land",
		Summary: "Foreign participation on a state's land, internal waters or territorial sea needs that state's consent (its host authority); the citation of each consent is the host's own basis.", eval: territoriality},
	{ID: "foreign-troops.senate", Version: 1, Citation: "Const. MX art. 76 fr. III; art. 78 (Comisión Permanente in recess)",
		Summary: "Foreign troops on the national territory or waters of a state with a Senate rule need the Senate's authorisation.", eval: foreignTroops},
	{ID: "foreign-squadron.senate", Version: 1, Citation: "Const. MX art. 76 fr. III",
		Summary: "Foreign ships stationed in national waters for more than a month need the Senate's authorisation.", eval: foreignSquadron},
	{ID: "national-troops-abroad.senate", Version: 1, Citation: "Const. MX art. 76 fr. III",
		Summary: "A state's own troops leaving for another state's territory or waters need its Senate's authorisation.", eval: troopsAbroad},
	{ID: "national-warship-abroad.senate", Version: 1, Citation: "Const. MX art. 76 fr. III (reading: the armed crew of a national warship are national troops; switch off this rule for the narrower reading)",
		Summary: "A state's own armed ship (warship and its armed crew) going into another state's internal waters or territorial sea needs its Senate's authorisation, as national troops beyond the country's limits; not for a hot pursuit.", eval: warshipAbroad},
	{ID: "foreign-agents.no-enforcement", Version: 2, Citation: "Ley de Seguridad Nacional arts. 72–73 (reform DOF 18 Dec 2020); art. 71 (liaison and information exchange only)",
		Summary: "Deny foreign agents or officers taking part in an arrest, a search of premises or field surveillance, or holding persons in custody (role custody) in a transfer, on national territory: liaison and information exchange only; no arrests, no deprivation of liberty, no entry into private property, consent or not.", eval: agentsNoEnforcement},
	{ID: "foreign-agents.arms", Version: 1, Citation: "Ley de Seguridad Nacional arts. 72–73 (reform DOF 18 Dec 2020)",
		Summary: "Armed foreign agents or officers on national territory need the arms authority's permission (MEX: SEDENA).", eval: agentsArms},
	{ID: "foreign-agents.liaison", Version: 1, Citation: "Ley de Seguridad Nacional arts. 70–71 (reform DOF 18 Dec 2020)",
		Summary: "A liaison meeting with foreign agents needs the prior approval of the host authority (MEX: Grupo de Alto Nivel de Seguridad, SRE present) and a written report within 3 days.", eval: agentsLiaison},
	{ID: "hot-pursuit.start", Version: 1, Citation: "UNCLOS art. 111(1)–(2)",
		Summary: "Deny a hot pursuit that did not begin in the pursuing state's internal waters, territorial sea, contiguous zone or EEZ; an interrupted pursuit gives no right.", eval: hotPursuitStart},
	{ID: "boarding.flag-state", Version: 1, Citation: "UNCLOS arts. 92, 108, 110; 1988 Vienna Convention art. 17",
		Summary: "Boarding a vessel of another flag beyond the territorial sea needs the flag state's authorisation, unless a lawful hot pursuit or the coastal state's contiguous-zone control applies.", eval: boardingFlag},
	{ID: "boarding.stateless", Version: 1, Citation: "UNCLOS art. 110(1)(d)",
		Summary: "A vessel without nationality may be visited beyond the territorial sea without anyone's consent.", eval: boardingStateless},
	{ID: "contiguous-zone", Version: 1, Citation: "UNCLOS art. 33",
		Summary: "In its own contiguous zone a coastal state may board a foreign vessel only for customs, fiscal, immigration or sanitary control.", eval: contiguousZone},
	{ID: "hot-pursuit.third-state-sea", Version: 1, Citation: "UNCLOS art. 111(3)",
		Summary: "A hot pursuit ceases at the territorial sea of its own or a third state: continuing needs that state's consent.", eval: hotPursuitSea},
	{ID: "dual-key", Version: 1, Citation: "Partnership policy, DESIGN §1 principle 1 and issue 8 (dual-key actions need an approver from each state)",
		Summary: "A dual-key action with participants of several states needs an approver of each of them.", eval: dualKey},
	{ID: "civilian-impact", Version: 1, Citation: "Ley Nacional sobre el Uso de la Fuerza (prevention, proportionality); partnership policy (issue 8)",
		Summary: "A land operation at the configured force level or above near population needs a civilian-protection plan and a notice to the human-rights monitor.", eval: civilianImpact},
	{ID: ruleConsentScope, Version: 1, Citation: "Const. MX art. 40 (express authorisation); DESIGN §1 principle 1 (consent within its scope)",
		Summary: "Deny an operation whose needed consent was given but does not cover its area, window, force level or participants.", eval: func(*evalCtx, *Rule) {}},
}

// Rules returns the rule table in evaluation order (ids, versions, citations, summaries).
func Rules() []Rule {
	out := make([]Rule, len(ruleTable))
	for i, r := range ruleTable {
		out[i] = Rule{ID: r.ID, Version: r.Version, Citation: r.Citation, Summary: r.Summary}
	}
	return out
}

func ruleByID(id string) *Rule {
	for _, r := range ruleTable {
		if r.ID == id {
			return r
		}
	}
	return nil
}

func placeKnown(c *evalCtx, r *Rule) {
	if c.unknown {
		c.fire(r, effDeny, Text{
			ES: "parte del lugar está fuera de la región cubierta por los datos de límites: no se puede saber qué Estado decide",
			EN: "part of the place lies outside the region covered by the boundary data: the deciding state cannot be known",
		})
	}
}

func forceLethal(c *evalCtx, r *Rule) {
	if c.op.ForceLevel >= 5 {
		c.fire(r, effDeny, Text{
			ES: "se prevé uso de la fuerza de nivel V (armas de fuego o fuerza letal): este sistema nunca lo autoriza",
			EN: "use of force level V (firearms or lethal force) is planned: this system never authorises it",
		})
	}
}

func forceCeiling(c *evalCtx, r *Rule) {
	max, ok := c.e.cfg.ForceCeiling[c.op.Type]
	if ok && c.op.ForceLevel > max && c.op.ForceLevel < 5 {
		c.fire(r, effDeny, Text{
			ES: fmt.Sprintf("una operación %s admite uso de la fuerza hasta el nivel %d; se prevé el nivel %d", c.op.Type, max, c.op.ForceLevel),
			EN: fmt.Sprintf("a %s operation admits use of force up to level %d; level %d is planned", c.op.Type, max, c.op.ForceLevel),
		})
	}
}

func corroboration(c *evalCtx, r *Rule) {
	cfg := &c.e.cfg
	if !slices.Contains(cfg.IntrusiveTypes, c.op.Type) {
		return
	}
	co := c.op.Corroboration
	switch {
	case co == nil:
		c.fire(r, effDeny, Text{
			ES: fmt.Sprintf("una operación %s es intrusiva y no trae corroboración (corroboration: se requieren %d fuentes independientes, grado %s o mejor)", c.op.Type, cfg.MinSources, cfg.MinGrade),
			EN: fmt.Sprintf("a %s operation is intrusive and has no corroboration (corroboration: %d independent sources, grade %s or better, are required)", c.op.Type, cfg.MinSources, cfg.MinGrade),
		})
	case co.IndependentSources < cfg.MinSources:
		c.fire(r, effDeny, Text{
			ES: fmt.Sprintf("%d fuente(s) independiente(s); una operación intrusiva requiere %d", co.IndependentSources, cfg.MinSources),
			EN: fmt.Sprintf("%d independent source(s); an intrusive operation requires %d", co.IndependentSources, cfg.MinSources),
		})
	case cfg.MinGrade != "" && !ops.GradeAtLeast(co.BestGrade, cfg.MinGrade):
		g := co.BestGrade
		if g == "" {
			g = "ninguno / none"
		}
		c.fire(r, effDeny, Text{
			ES: fmt.Sprintf("mejor grado %s; una operación intrusiva requiere %s o mejor", g, cfg.MinGrade),
			EN: fmt.Sprintf("best grade %s; an intrusive operation requires %s or better", g, cfg.MinGrade),
		})
	}
}

// hostAuthority is the authority that consents for state s to foreign participation.
func (c *evalCtx) hostAuthority(s string) string { return c.e.cfg.HostAuthority[s] }

// Citations of the territoriality rule, per host (../shared/LAW.md): Mexico's own
// constitutional consent gate; for other hosts, sovereignty over the territorial sea (UNCLOS
// art. 2, applied by the USA as customary law) or over land territory (customary international
// law: LAW.md cites no treaty text for it).
const (
	citeConstMX40       = "Const. MX art. 40 (reform DOF 1 Apr 2025)"
	citeSeaSovereignty  = "UNCLOS art. 2 (sovereignty over internal waters and the territorial sea)"
	citeLandSovereignty = "territorial sovereignty of the host state (customary international law)"
)

// territorialityBasis is the basis for the consent of host s, as a citation and as the
// reason's words (es, en): the Mexican Constitution only when the host is Mexico.
func (c *evalCtx) territorialityBasis(s string) (cite string, basis Text) {
	if s == "MEX" {
		return citeConstMX40, Text{
			ES: "la Constitución no admite la intervención extranjera sin autorización expresa del Estado mexicano (art. 40)",
			EN: "the Constitution admits no foreign intervention without the Mexican State's express authorisation (art. 40)",
		}
	}
	var cites, es, en []string
	if slices.Contains(c.waterOf, s) {
		cites = append(cites, citeSeaSovereignty)
		es = append(es, "soberanía sobre sus aguas interiores y mar territorial (CONVEMAR art. 2)")
		en = append(en, "sovereignty over its internal waters and territorial sea (UNCLOS art. 2)")
	}
	if slices.Contains(c.landOf, s) || len(cites) == 0 {
		cites = append(cites, citeLandSovereignty)
		es = append(es, "soberanía territorial (derecho internacional consuetudinario)")
		en = append(en, "territorial sovereignty (customary international law)")
	}
	return strings.Join(cites, "; "), Text{ES: strings.Join(es, "; "), EN: strings.Join(en, "; ")}
}

func territoriality(c *evalCtx, r *Rule) {
	for _, s := range c.sovereign {
		f := c.foreignTo(s)
		if len(f) == 0 {
			continue
		}
		auth := c.hostAuthority(s)
		cite, basis := c.territorialityBasis(s)
		c.requireCited(r, cite, s, auth, RoleHost, Text{
			ES: fmt.Sprintf("participan %s en territorio o aguas de %s: se requiere el consentimiento de %s (fundamento: %s)", describeES(f), s, orAnyES(s, auth), basis.ES),
			EN: fmt.Sprintf("%s take part on the territory or waters of %s: the consent of %s is required (basis: %s)", describeEN(f), s, orAnyEN(s, auth), basis.EN),
		})
	}
}

func foreignTroops(c *evalCtx, r *Rule) {
	for _, s := range c.sovereign {
		senate, ok := c.e.cfg.Senate[s]
		if !ok {
			continue
		}
		var troops []ops.Participant
		for _, p := range c.foreignTo(s) {
			if p.Kind == ops.Troops {
				troops = append(troops, p)
			}
		}
		if len(troops) == 0 {
			continue
		}
		c.require(r, s, senate, RoleSenate, Text{
			ES: fmt.Sprintf("tropas extranjeras (%s) en territorio nacional de %s: requiere la autorización del %s", describeES(troops), s, senate),
			EN: fmt.Sprintf("foreign troops (%s) on the national territory of %s: the %s must authorise it", describeEN(troops), s, senate),
		})
	}
}

// overAMonth reports whether the window lasts more than one calendar month.
func overAMonth(start, end time.Time) bool { return end.After(start.AddDate(0, 1, 0)) }

func foreignSquadron(c *evalCtx, r *Rule) {
	for _, s := range c.waterOf {
		senate, ok := c.e.cfg.Senate[s]
		if !ok {
			continue
		}
		var ships []ops.Participant
		for _, p := range c.foreignTo(s) {
			if p.Kind == ops.Ship {
				ships = append(ships, p)
			}
		}
		if len(ships) == 0 || !overAMonth(c.op.Start, c.op.End) {
			continue
		}
		days := c.op.End.Sub(c.op.Start).Hours() / 24
		c.require(r, s, senate, RoleSenate, Text{
			ES: fmt.Sprintf("buques extranjeros (%s) en aguas de %s durante %.0f días, más de un mes: requiere la autorización del %s", describeES(ships), s, days, senate),
			EN: fmt.Sprintf("foreign ships (%s) in the waters of %s for %.0f days, more than a month: the %s must authorise it", describeEN(ships), s, days, senate),
		})
	}
}

func troopsAbroad(c *evalCtx, r *Rule) {
	for home, senate := range sortedMap(c.e.cfg.Senate) {
		var troops []ops.Participant
		for _, p := range c.op.Participants {
			if p.State == home && p.Kind == ops.Troops {
				troops = append(troops, p)
			}
		}
		if len(troops) == 0 {
			continue
		}
		for _, s := range c.sovereign {
			if s == home {
				continue
			}
			c.require(r, home, senate, RoleSenate, Text{
				ES: fmt.Sprintf("tropas nacionales de %s (%s) salen al territorio o aguas de %s: requiere la autorización del %s", home, describeES(troops), s, senate),
				EN: fmt.Sprintf("national troops of %s (%s) go beyond its limits to the territory or waters of %s: the %s must authorise it", home, describeEN(troops), s, senate),
			})
			break
		}
	}
}

func warshipAbroad(c *evalCtx, r *Rule) {
	if c.op.Pursuit != nil {
		return // a hot pursuit is no planned exit (it ceases at the territorial sea: hot-pursuit.third-state-sea)
	}
	for home, senate := range sortedMap(c.e.cfg.Senate) {
		var ships []ops.Participant
		for _, p := range c.op.Participants {
			if p.State == home && p.Kind == ops.Ship && p.Armed {
				ships = append(ships, p)
			}
		}
		if len(ships) == 0 {
			continue
		}
		for _, s := range c.waterOf {
			if s == home {
				continue
			}
			c.require(r, home, senate, RoleSenate, Text{
				ES: fmt.Sprintf("buque armado de %s (%s) entra en aguas de %s: su tripulación armada son tropas nacionales que salen del país; requiere la autorización del %s", home, describeES(ships), s, senate),
				EN: fmt.Sprintf("armed ship of %s (%s) enters the waters of %s: its armed crew are national troops leaving the country; the %s must authorise it", home, describeEN(ships), s, senate),
			})
			break
		}
	}
}

// foreignAgents returns the participants of kind agent or officer foreign to s.
func (c *evalCtx) foreignAgents(s string) []ops.Participant {
	var out []ops.Participant
	for _, p := range c.foreignTo(s) {
		if p.Kind == ops.Agent || p.Kind == ops.Officer {
			out = append(out, p)
		}
	}
	return out
}

// RoleCustody is the participant role of those holding persons in custody (a transfer).
const RoleCustody = "custody"

func agentsNoEnforcement(c *evalCtx, r *Rule) {
	switch c.op.Type {
	case ops.Arrest, ops.SearchPremises, ops.Surveillance, ops.Transfer:
	default:
		return
	}
	for _, s := range c.sovereign {
		if !slices.Contains(c.e.cfg.ForeignAgentStates, s) {
			continue
		}
		a := c.foreignAgents(s)
		if c.op.Type == ops.Transfer {
			a = slices.DeleteFunc(a, func(p ops.Participant) bool { return p.Role != RoleCustody })
		}
		if len(a) == 0 {
			continue
		}
		switch c.op.Type {
		case ops.Surveillance:
			c.fire(r, effDeny, Text{
				ES: fmt.Sprintf("agentes extranjeros (%s) solo hacen enlace e intercambio de información en territorio de %s: la vigilancia de campo es un acto operativo, prohibido aun con consentimiento", describeES(a), s),
				EN: fmt.Sprintf("foreign agents (%s) do liaison and information exchange only on the territory of %s: field surveillance is an operational act, forbidden consent or not", describeEN(a), s),
			})
		case ops.Transfer:
			c.fire(r, effDeny, Text{
				ES: fmt.Sprintf("agentes extranjeros (%s) custodian personas en territorio de %s: es privación de la libertad, prohibida aun con consentimiento; la entrega debe hacerse en territorio del Estado receptor, con la custodia en autoridades de %s hasta entonces", describeES(a), s, s),
				EN: fmt.Sprintf("foreign agents (%s) hold persons in custody on the territory of %s: that is deprivation of liberty, forbidden consent or not; the hand-over must take place on the receiving state's territory, with %s's authorities in custody until then", describeEN(a), s, s),
			})
		default:
			c.fire(r, effDeny, Text{
				ES: fmt.Sprintf("agentes extranjeros (%s) no pueden detener, privar de la libertad ni entrar en propiedad privada en territorio de %s, aun con consentimiento (%s)", describeES(a), s, c.op.Type),
				EN: fmt.Sprintf("foreign agents (%s) may not arrest, deprive of liberty or enter private property on the territory of %s, consent or not (%s)", describeEN(a), s, c.op.Type),
			})
		}
	}
}

func agentsArms(c *evalCtx, r *Rule) {
	for _, s := range c.sovereign {
		auth, ok := c.e.cfg.ArmsAuthority[s]
		if !ok || !slices.Contains(c.e.cfg.ForeignAgentStates, s) {
			continue
		}
		var armed []ops.Participant
		for _, p := range c.foreignAgents(s) {
			if p.Armed {
				armed = append(armed, p)
			}
		}
		if len(armed) > 0 {
			c.require(r, s, auth, RoleArms, Text{
				ES: fmt.Sprintf("agentes extranjeros armados (%s) en territorio de %s: requieren permiso de %s para portar armas", describeES(armed), s, auth),
				EN: fmt.Sprintf("armed foreign agents (%s) on the territory of %s: they need %s's permission to carry arms", describeEN(armed), s, auth),
			})
		}
	}
}

func agentsLiaison(c *evalCtx, r *Rule) {
	if c.op.Type != ops.LiaisonMeeting {
		return
	}
	for _, s := range c.sovereign {
		if !slices.Contains(c.e.cfg.ForeignAgentStates, s) {
			continue
		}
		f := c.foreignTo(s)
		if len(f) == 0 {
			continue
		}
		auth := c.hostAuthority(s)
		c.require(r, s, auth, RoleHost, Text{
			ES: fmt.Sprintf("reunión con agentes extranjeros (%s) en %s: requiere aprobación previa de %s con representante de la SRE presente", describeES(f), s, orAnyES(s, auth)),
			EN: fmt.Sprintf("meeting with foreign agents (%s) in %s: it needs the prior approval of %s, with an SRE representative present", describeEN(f), s, orAnyEN(s, auth)),
		})
		c.condition(r, Text{ES: "informe escrito dentro de 3 días", EN: "written report within 3 days"},
			Text{ES: "Los servidores públicos informan por escrito a la SRE y a la SSPC dentro de 3 días de la reunión (LSN art. 70).",
				EN: "The officials report the meeting in writing to SRE and SSPC within 3 days (LSN art. 70)."})
	}
}

// boardingStates are the participant states other than the flag state.
func (c *evalCtx) boardingStates(flag string) []string {
	var out []string
	for _, s := range c.op.States() {
		if s != flag {
			out = append(out, s)
		}
	}
	return out
}

func boardingFlag(c *evalCtx, r *Rule) {
	if c.op.Type != ops.MaritimeInterdiction || !c.beyondTS {
		return
	}
	v := c.op.TargetVessel
	if v == nil {
		c.fire(r, effDeny, Text{
			ES: "una interdicción marítima fuera del mar territorial necesita el pabellón del buque (target_vessel.flag) o saber que no tiene nacionalidad (target_vessel.stateless)",
			EN: "a maritime interdiction beyond the territorial sea needs the vessel's flag (target_vessel.flag) or to know it is stateless (target_vessel.stateless)",
		})
		return
	}
	if v.Stateless {
		return
	}
	others := c.boardingStates(v.Flag)
	if len(others) == 0 {
		return // the flag state boards its own vessel (UNCLOS art. 92)
	}
	if c.pursuitOK {
		return // hot pursuit (UNCLOS 111) continues beyond the territorial sea
	}
	if c.contigOf != "" && len(others) == 1 && others[0] == c.contigOf && c.e.cfg.enabled("contiguous-zone") {
		return // the coastal state's control in its contiguous zone (contiguous-zone rule)
	}
	c.require(r, v.Flag, "", RoleFlag, Text{
		ES: fmt.Sprintf("abordar un buque de pabellón %s fuera del mar territorial (%s) requiere la autorización del Estado del pabellón (Convención de Viena 1988 art. 17); el narcotráfico no basta por sí solo (CONVEMAR art. 110)", v.Flag, strings.Join(others, ", ")),
		EN: fmt.Sprintf("boarding a %s-flagged vessel beyond the territorial sea (%s) needs the flag state's authorisation (1988 Vienna Convention art. 17); drug trafficking alone is no ground (UNCLOS art. 110)", v.Flag, strings.Join(others, ", ")),
	})
}

func boardingStateless(c *evalCtx, r *Rule) {
	if c.op.Type != ops.MaritimeInterdiction || !c.beyondTS || c.op.TargetVessel == nil || !c.op.TargetVessel.Stateless {
		return
	}
	c.fire(r, effAllow, Text{
		ES: "buque sin nacionalidad fuera del mar territorial: derecho de visita sin consentimiento de nadie",
		EN: "vessel without nationality beyond the territorial sea: right of visit without anyone's consent",
	})
}

func contiguousZone(c *evalCtx, r *Rule) {
	v := c.op.TargetVessel
	if c.op.Type != ops.MaritimeInterdiction || c.contigOf == "" || v == nil || v.Stateless || c.pursuitOK {
		return
	}
	others := c.boardingStates(v.Flag)
	if len(others) != 1 || others[0] != c.contigOf {
		return
	}
	c.condition(r, Text{
		ES: fmt.Sprintf("%s aborda en su propia zona contigua: solo para prevenir o sancionar infracciones aduaneras, fiscales, de inmigración o sanitarias", c.contigOf),
		EN: fmt.Sprintf("%s boards in its own contiguous zone: only to prevent or punish infringement of its customs, fiscal, immigration or sanitary laws", c.contigOf),
	}, Text{
		ES: "El abordaje en zona contigua se limita a control aduanero, fiscal, migratorio o sanitario (CONVEMAR art. 33); cualquier otro fundamento requiere la autorización del Estado del pabellón.",
		EN: "Boarding in the contiguous zone is limited to customs, fiscal, immigration or sanitary control (UNCLOS art. 33); any other ground needs the flag state's authorisation.",
	})
}

// hotPursuitStart runs before the boarding rules (table order): it sets pursuitOK.
func hotPursuitStart(c *evalCtx, r *Rule) {
	p := c.op.Pursuit
	if p == nil {
		return
	}
	if !slices.Contains(c.op.States(), p.StartedState) {
		c.fire(r, effDeny, Text{
			ES: fmt.Sprintf("la persecución la inició %s, que no participa en la operación: solo el Estado que la inició puede continuarla", p.StartedState),
			EN: fmt.Sprintf("the pursuit was begun by %s, which takes no part in the operation: only the state that began it may continue it", p.StartedState),
		})
		return
	}
	switch jurisdiction.Zone(p.StartedZone) {
	case jurisdiction.ZoneInternalWaters, jurisdiction.ZoneTerritorialSea, jurisdiction.ZoneContiguous, jurisdiction.ZoneEEZ:
	default:
		c.fire(r, effDeny, Text{
			ES: fmt.Sprintf("una persecución en caliente no puede iniciarse en %s: debe comenzar en aguas interiores, mar territorial o zona contigua (o ZEE, por sus derechos) de %s", p.StartedZone, p.StartedState),
			EN: fmt.Sprintf("a hot pursuit cannot begin in %s: it must begin in the internal waters, territorial sea or contiguous zone (or EEZ, for its rights) of %s", p.StartedZone, p.StartedState),
		})
		return
	}
	if !p.Uninterrupted {
		c.fire(r, effAllow, Text{
			ES: "la persecución fue interrumpida: no da derecho de persecución en caliente; el abordaje depende de las reglas ordinarias",
			EN: "the pursuit was interrupted: it gives no right of hot pursuit; the boarding falls under the ordinary rules",
		})
		return
	}
	c.pursuitOK = true
	why := Text{
		ES: fmt.Sprintf("persecución en caliente iniciada por %s en %s, ininterrumpida", p.StartedState, p.StartedZone),
		EN: fmt.Sprintf("hot pursuit begun by %s in its %s, uninterrupted", p.StartedState, p.StartedZone),
	}
	var limit Text
	switch jurisdiction.Zone(p.StartedZone) {
	case jurisdiction.ZoneContiguous:
		limit = Text{
			ES: fmt.Sprintf("Persecución iniciada en la zona contigua de %s: lícita solo por infracción de sus leyes aduaneras, fiscales, de inmigración o sanitarias (CONVEMAR arts. 33, 111(1)); por cualquier otro fundamento el abordaje requiere la autorización del Estado del pabellón.", p.StartedState),
			EN: fmt.Sprintf("Pursuit begun in the contiguous zone of %s: lawful only for a violation of its customs, fiscal, immigration or sanitary laws (UNCLOS arts. 33, 111(1)); on any other ground the boarding needs the flag state's authorisation.", p.StartedState),
		}
	case jurisdiction.ZoneEEZ:
		limit = Text{
			ES: fmt.Sprintf("Persecución iniciada en la ZEE de %s: lícita solo por infracción de sus leyes aplicables a la ZEE o la plataforma continental (CONVEMAR art. 111(2)); el narcotráfico no lo es: por cualquier otro fundamento el abordaje requiere la autorización del Estado del pabellón (Convención de Viena 1988 art. 17).", p.StartedState),
			EN: fmt.Sprintf("Pursuit begun in the EEZ of %s: lawful only for a violation of its laws applicable to the EEZ or the continental shelf (UNCLOS art. 111(2)); drug trafficking is not one: on any other ground the boarding needs the flag state's authorisation (1988 Vienna Convention art. 17).", p.StartedState),
		}
	}
	if limit.EN == "" {
		why.ES += "; cualquier fundamento legal"
		why.EN += "; any legal ground"
		c.fire(r, effAllow, why)
		return
	}
	why.ES += "; fundamento limitado (ver condiciones)"
	why.EN += "; grounds limited (see conditions)"
	c.condition(r, why, limit)
}

func hotPursuitSea(c *evalCtx, r *Rule) {
	p := c.op.Pursuit
	if p == nil {
		return
	}
	for _, s := range c.waterOf {
		if s == p.StartedState {
			continue
		}
		auth := c.hostAuthority(s)
		c.require(r, s, auth, RoleHost, Text{
			ES: fmt.Sprintf("la persecución iniciada por %s cesa al entrar al mar territorial de %s: debe detenerse, o continuar solo con el consentimiento de %s", p.StartedState, s, orAnyES(s, auth)),
			EN: fmt.Sprintf("the pursuit begun by %s ceases on entering the territorial sea of %s: it must stop, or continue only with the consent of %s", p.StartedState, s, orAnyEN(s, auth)),
		})
	}
}

func dualKey(c *evalCtx, r *Rule) {
	if !slices.Contains(c.e.cfg.DualKeyTypes, c.op.Type) {
		return
	}
	states := c.op.States()
	if len(states) < 2 {
		return
	}
	for _, s := range states {
		if slices.Contains(c.sovereign, s) && len(c.foreignTo(s)) > 0 && c.e.cfg.enabled("territoriality") {
			continue // the host's consent is its key
		}
		auth := c.e.cfg.PartnerAuthority[s]
		c.require(r, s, auth, RolePartner, Text{
			ES: fmt.Sprintf("%s es una acción de doble llave entre %s: requiere un aprobador de %s (%s)", c.op.Type, strings.Join(states, " y "), s, orAnyES(s, auth)),
			EN: fmt.Sprintf("%s is a dual-key action between %s: it needs an approver of %s (%s)", c.op.Type, strings.Join(states, " and "), s, orAnyEN(s, auth)),
		})
	}
}

func civilianImpact(c *evalCtx, r *Rule) {
	cfg := &c.e.cfg
	if len(c.landOf) == 0 || c.op.ForceLevel < cfg.CivilianMinForce {
		return
	}
	plan := []Text{
		{ES: "Plan de protección de civiles aprobado antes de ejecutar.", EN: "A civilian-protection plan, approved before execution."},
		{ES: "Aviso previo al observador de derechos humanos.", EN: "Prior notice to the human-rights monitor."},
	}
	if c.e.people == nil {
		c.condition(r, Text{
			ES: "no hay datos de población cargados: se exige el plan de protección de civiles por precaución",
			EN: "no population data loaded: the civilian-protection plan is required as a precaution",
		}, plan...)
		return
	}
	p1, _ := c.e.people.Within(c.rep.Lat, c.rep.Lon, 1)
	p5, sites := c.e.people.Within(c.rep.Lat, c.rep.Lon, 5)
	es := fmt.Sprintf("operación terrestre con fuerza de nivel %d: población a 1 km %d, a 5 km %d", c.op.ForceLevel, p1, p5)
	en := fmt.Sprintf("land operation at force level %d: population within 1 km %d, within 5 km %d", c.op.ForceLevel, p1, p5)
	if len(sites) > 0 {
		es += "; sitios sensibles: " + strings.Join(sites, ", ")
		en += "; sensitive sites: " + strings.Join(sites, ", ")
	}
	if p1 >= cfg.Pop1km || p5 >= cfg.Pop5km || len(sites) > 0 {
		c.condition(r, Text{ES: es + fmt.Sprintf(" (umbral %d / %d)", cfg.Pop1km, cfg.Pop5km), EN: en + fmt.Sprintf(" (threshold %d / %d)", cfg.Pop1km, cfg.Pop5km)}, plan...)
		return
	}
	c.fire(r, effAllow, Text{ES: es + ": bajo el umbral", EN: en + ": below the threshold"})
}

// sortedMap iterates a string map in key order (deterministic decisions).
func sortedMap(m map[string]string) func(yield func(string, string) bool) {
	return func(yield func(string, string) bool) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}
