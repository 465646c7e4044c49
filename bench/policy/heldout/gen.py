#!/usr/bin/env python3
"""Writes scenarios.json: held-out policy scenarios whose expectations were written from
../shared/LAW.md alone (the engine's rules and tests were not read).

Each scenario: {name, input, expect:{decision, required_consents, citations_any}, law}.
required_consents are the consents still outstanding (required and not satisfied by a
consent in scope); authority "" means any authority of that state.
citations_any: at least one substring (case-insensitive) must appear in the citations of
the rules that fired; an empty list is not checked."""
import json, os

W = ("2026-05-01T06:00:00Z", "2026-05-01T18:00:00Z")      # one-day window
CW = ("2026-04-01T00:00:00Z", "2026-07-01T00:00:00Z")     # consent window covering it
GOOD = {"independent_sources": 2, "best_grade": "B2"}

SRE = {"state": "MEX", "authority": "SRE/GANSEG"}
SEN = {"state": "MEX", "authority": "Senado"}
USA = {"state": "USA", "authority": ""}

TERR = ["art. 40", "arts. 40", "UNCLOS art. 2"]
SENC = ["art. 76"]
LSN = ["Seguridad Nacional"]
FLAG = ["art. 17"]
PURS = ["111"]
FORCE = ["Uso de la Fuerza"]
CORR = ["corrobor", "partnership"]

# Places (lat, lon), chosen from charts; zone noted as expected.
CULIACAN = (24.80, -107.39)        # Sinaloa, land, city
MAZATLAN = (23.23, -106.42)        # Sinaloa, land, city
BADIRAGUATO = (25.36, -107.55)     # Sinaloa, land, rural sierra
REYNOSA = (26.08, -98.29)          # Tamaulipas, land
NLAREDO = (27.48, -99.52)          # Tamaulipas, land, border
TAMPS_TS = (25.70, -97.10)         # off Matamoros, MEX territorial sea
LAPESCA_TS = (23.79, -97.68)       # off La Pesca, MEX territorial sea (~3 nm)
LAPESCA_CZ = (23.79, -97.40)       # off La Pesca, MEX contiguous zone (~18 nm)
TAMPS_EEZ = (24.50, -96.30)        # off Tamaulipas, MEX EEZ (~75 nm)
VERACRUZ_TS = (19.20, -96.05)      # off Veracruz port, MEX territorial sea
CAMPECHE_EEZ = (22.50, -93.00)     # Gulf, MEX EEZ
WESTERN_GAP = (25.85, -92.25)      # Gulf high seas beyond both 200 nm
TEXAS_TS = (27.50, -97.17)         # off Padre Island, US territorial sea
TEXAS_CZ = (27.50, -96.90)         # US contiguous zone (~16 nm)
TEXAS_EEZ = (27.20, -95.80)        # US EEZ (~80 nm)
MIAMI_TS = (25.77, -80.07)         # off Miami, US territorial sea
KEYWEST_TS = (24.48, -81.80)       # off Key West, US territorial sea
OAXACA_TS = (15.80, -97.07)        # off Puerto Escondido, MEX territorial sea
OAXACA_EEZ = (14.30, -97.00)       # off Oaxaca, MEX EEZ (~95 nm)
CANCUN_TS = (21.10, -86.68)        # off Cancún, MEX territorial sea
QROO_EEZ = (19.50, -86.85)         # off Sian Ka'an, MEX EEZ (~35 nm)
HAVANA_TS = (23.19, -82.38)        # off Havana, Cuban territorial sea
CDMX = (19.43, -99.13)             # Mexico City, land
AICM = (19.436, -99.072)           # Mexico City airport, land
CAMPECHE = (19.85, -90.53)         # Campeche city, land
HOUSTON = (29.76, -95.37)          # Houston, land
SANANTONIO = (29.70, -98.60)       # Camp Bullis, Texas, land
MIAMI = (25.77, -80.19)            # Miami, land

def loc(p): return {"lat": p[0], "lon": p[1]}

def box(p, d=0.3):
    la, lo = p
    return {"type": "Polygon", "coordinates": [[[lo-d, la-d], [lo+d, la-d], [lo+d, la+d], [lo-d, la+d], [lo-d, la-d]]]}

def part(state, agency, kind, count=1, armed=False, role="lead"):
    return {"state": state, "agency": agency, "kind": kind, "count": count, "armed": armed, "role": role}

def consent(state, authority, area=None, start=CW[0], end=CW[1], maxf=3, participants=None):
    c = {"state": state, "authority": authority, "start": start, "end": end, "max_force_level": maxf}
    if area is not None: c["area"] = area
    if participants is not None: c["participants"] = participants
    return c

S = []
def sc(name, law, decision, consents, cites, type_, place, parts, force=3, window=W,
       vessel=None, corr=GOOD, given=None, pursuit=None, area=None):
    op = {"type": type_}
    if area is not None: op["area"] = area
    else: op["location"] = loc(place)
    op.update({"start": window[0], "end": window[1], "participants": parts, "force_level": force})
    if vessel is not None: op["target_vessel"] = vessel
    if corr is not None: op["corroboration"] = corr
    if given: op["consents"] = given
    if pursuit: op["pursuit"] = pursuit
    S.append({"name": name, "law": law, "input": op,
              "expect": {"decision": decision, "required_consents": consents, "citations_any": cites}})

USCG = part("USA", "USCG", "ship", 1, True)
SEMAR_SHIP = part("MEX", "SEMAR", "ship", 1, True)

# --- Foreign agents on Mexican land (LSN arts. 69-73) ---
sc("fbi-arrest-reynosa", "LSN arts. 72-73: foreign agents may not arrest; Const. art. 40 consent",
   "deny", [SRE], LSN, "arrest", REYNOSA,
   [part("MEX", "FGR", "officer", 12, True), part("USA", "FBI", "agent", 2, False, "support")])
sc("fbi-arrest-reynosa-with-consent", "LSN arts. 72-73 forbid it whatever consent is given",
   "deny", [], LSN, "arrest", REYNOSA,
   [part("MEX", "FGR", "officer", 12, True), part("USA", "FBI", "agent", 2, False, "support")],
   given=[consent("MEX", "SRE/GANSEG")])
sc("dea-search-premises-mazatlan", "LSN arts. 72-73: no entry into private property by foreign agents",
   "deny", [], LSN, "search_premises", MAZATLAN,
   [part("MEX", "SEMAR", "troops", 20, True), part("USA", "DEA", "agent", 1, False, "advisor")],
   given=[consent("MEX", "SRE/GANSEG")])
sc("dea-surveillance-badiraguato", "LSN art. 71: foreign agents do liaison and information exchange only",
   "deny", [SRE], LSN, "surveillance", BADIRAGUATO,
   [part("USA", "DEA", "agent", 2, False)], force=1)
sc("usms-custody-transfer-aicm", "LSN arts. 72-73: no deprivation of liberty by foreign agents on Mexican soil",
   "deny", [SRE], LSN, "transfer", AICM,
   [part("MEX", "FGR", "officer", 40, True), part("USA", "USMS", "agent", 10, False, "custody")], force=3)
sc("dea-liaison-cdmx-no-approval", "LSN art. 70: meetings with foreign agents need prior GANSEG approval",
   "needs_consent", [SRE], LSN, "liaison_meeting", CDMX,
   [part("MEX", "SSPC", "officer", 2), part("USA", "DEA", "agent", 2)], force=1, corr=None)
sc("dea-liaison-cdmx-approved", "LSN art. 70: approved meeting; report within 3 days is a condition",
   "allow", [], [], "liaison_meeting", CDMX,
   [part("MEX", "SSPC", "officer", 2), part("USA", "DEA", "agent", 2)], force=1, corr=None,
   given=[consent("MEX", "SRE/GANSEG", maxf=1)])
sc("dea-liaison-cdmx-armed-no-sedena", "LSN arts. 72-73: foreign agents armed only with SEDENA permission",
   "needs_consent", [{"state": "MEX", "authority": "SEDENA"}], LSN, "liaison_meeting", CDMX,
   [part("MEX", "SSPC", "officer", 2), part("USA", "DEA", "agent", 2, True)], force=1, corr=None,
   given=[consent("MEX", "SRE/GANSEG", maxf=1, participants=[part("USA", "DEA", "agent", 2, True)])])
sc("mex-attache-observes-arrest-houston", "territoriality (Const. MX art. 40 mirrored; UNCLOS 2): foreign participation needs host consent",
   "needs_consent", [USA], TERR, "arrest", HOUSTON,
   [part("USA", "USMS", "agent", 6, True), part("MEX", "FGR", "agent", 1, False, "observer")])
sc("sspc-liaison-houston", "a meeting abroad is no enforcement act; LSN governs foreign agents in Mexico only",
   "allow", [], [], "liaison_meeting", HOUSTON,
   [part("USA", "DEA", "agent", 2), part("MEX", "SSPC", "officer", 2)], force=1, corr=None)

# --- Foreign troops and squadrons (Const. art. 76-III) ---
sc("seals-training-campeche-60d", "Const. art. 76-III passage of foreign troops; LAW.md practice (SEALs, Campeche)",
   "needs_consent", [SEN, SRE], SENC, "training_visit", CAMPECHE,
   [part("USA", "USN", "troops", 19, True)], force=2, corr=None,
   window=("2026-02-15T00:00:00Z", "2026-04-16T00:00:00Z"))
sc("us-army-instructors-cdmx-10d-unarmed", "Const. art. 76-III: troops need the Senate whatever their arms or stay",
   "needs_consent", [SEN, SRE], SENC, "training_visit", CDMX,
   [part("USA", "US Army", "troops", 5, False)], force=1, corr=None,
   window=("2026-05-01T00:00:00Z", "2026-05-11T00:00:00Z"))
sc("seals-training-campeche-only-sre", "Const. art. 76-III: SRE consent does not replace the Senate",
   "needs_consent", [SEN], SENC, "training_visit", CAMPECHE,
   [part("USA", "USN", "troops", 19, True)], force=2, corr=None,
   window=("2026-05-01T00:00:00Z", "2026-05-20T00:00:00Z"),
   given=[consent("MEX", "SRE/GANSEG", maxf=2)])
sc("seals-training-campeche-both-consents", "Const. art. 76-III and art. 40 both satisfied",
   "allow", [], [], "training_visit", CAMPECHE,
   [part("USA", "USN", "troops", 19, True)], force=2, corr=None,
   window=("2026-05-01T00:00:00Z", "2026-05-20T00:00:00Z"),
   given=[consent("MEX", "SRE/GANSEG", maxf=2), consent("MEX", "Senado", maxf=2)])
sc("sedena-troops-training-texas", "Const. art. 76-III: exit of national troops needs the Senate; host consent (USA)",
   "needs_consent", [SEN, USA], SENC, "training_visit", SANANTONIO,
   [part("MEX", "SEDENA", "troops", 20, True)], force=2, corr=None,
   window=("2026-05-01T00:00:00Z", "2026-05-15T00:00:00Z"))
sc("us-troops-joint-patrol-nuevo-laredo", "Const. art. 76-III and art. 40",
   "needs_consent", [SEN, SRE], SENC, "joint_patrol", NLAREDO,
   [part("MEX", "SEDENA", "troops", 40, True), part("USA", "US Army", "troops", 20, True, "support")], force=3, corr=None)
sc("usn-2-ships-veracruz-ts-20d", "Const. art. 40 consent; under a month so no Senate (art. 76-III)",
   "needs_consent", [SRE], TERR, "naval_presence", VERACRUZ_TS,
   [part("USA", "USN", "ship", 2, True)], force=1, corr=None,
   window=("2026-05-01T00:00:00Z", "2026-05-21T00:00:00Z"))
sc("usn-2-ships-veracruz-ts-40d", "Const. art. 76-III: squadron over a month in Mexican waters; art. 40",
   "needs_consent", [SEN, SRE], SENC, "naval_presence", VERACRUZ_TS,
   [part("USA", "USN", "ship", 2, True)], force=1, corr=None,
   window=("2026-05-01T00:00:00Z", "2026-06-10T00:00:00Z"))
sc("usn-2-ships-veracruz-ts-40d-only-sre", "Const. art. 76-III: Senate still missing",
   "needs_consent", [SEN], SENC, "naval_presence", VERACRUZ_TS,
   [part("USA", "USN", "ship", 2, True)], force=1, corr=None,
   window=("2026-05-01T00:00:00Z", "2026-06-10T00:00:00Z"),
   given=[consent("MEX", "SRE/GANSEG", maxf=1)])
sc("usn-ship-campeche-eez-40d", "EEZ is not Mexican territory (UNCLOS 58 freedom of navigation); art. 76-III 'Mexican waters' read as sovereign waters",
   "allow", [], [], "naval_presence", CAMPECHE_EEZ,
   [part("USA", "USN", "ship", 1, True)], force=1, corr=None,
   window=("2026-05-01T00:00:00Z", "2026-06-10T00:00:00Z"))
sc("usn-ships-western-gap-60d", "high seas: no coastal consent",
   "allow", [], [], "naval_presence", WESTERN_GAP,
   [part("USA", "USN", "ship", 3, True)], force=1, corr=None,
   window=("2026-05-01T00:00:00Z", "2026-06-30T00:00:00Z"))
sc("semar-ship-visit-key-west", "territoriality: US consent for a foreign warship in US territorial sea; art. 76-III exit of national forces",
   "needs_consent", [USA, SEN], TERR, "naval_presence", KEYWEST_TS,
   [SEMAR_SHIP], force=1, corr=None,
   window=("2026-05-01T00:00:00Z", "2026-05-08T00:00:00Z"))

# --- Maritime interdiction (UNCLOS 108, 110, 111; Vienna 1988 art. 17) ---
sc("uscg-stateless-gofast-western-gap", "UNCLOS art. 110(1)(d): ship without nationality may be visited",
   "allow", [], ["110"], "maritime_interdiction", WESTERN_GAP, [USCG],
   vessel={"stateless": True})
sc("semar-stateless-gofast-oaxaca-eez", "UNCLOS art. 110(1)(d), applies in the EEZ via art. 58(2)",
   "allow", [], ["110"], "maritime_interdiction", OAXACA_EEZ, [SEMAR_SHIP],
   vessel={"stateless": True})
sc("uscg-stateless-gofast-oaxaca-eez", "UNCLOS arts. 58(2), 110(1)(d): EEZ is not territory; no Mexican consent needed",
   "allow", [], ["110"], "maritime_interdiction", OAXACA_EEZ, [USCG],
   vessel={"stateless": True})
sc("uscg-stateless-gofast-oaxaca-ts", "Const. art. 40 / UNCLOS 2: territorial sea needs Mexico",
   "needs_consent", [SRE], TERR, "maritime_interdiction", OAXACA_TS, [USCG],
   vessel={"stateless": True})
sc("semar-col-vessel-tamps-eez", "Vienna 1988 art. 17; UNCLOS 110 (drugs not a ground)",
   "needs_consent", [{"state": "COL", "authority": ""}], FLAG, "maritime_interdiction", TAMPS_EEZ,
   [SEMAR_SHIP], vessel={"flag": "COL"})
sc("semar-pan-vessel-western-gap", "Vienna 1988 art. 17 on the high seas",
   "needs_consent", [{"state": "PAN", "authority": ""}], FLAG, "maritime_interdiction", WESTERN_GAP,
   [SEMAR_SHIP], vessel={"flag": "PAN"})
sc("semar-pan-vessel-western-gap-consent", "Vienna 1988 art. 17 authorisation given",
   "allow", [], FLAG, "maritime_interdiction", WESTERN_GAP,
   [SEMAR_SHIP], vessel={"flag": "PAN"},
   given=[consent("PAN", "Autoridad Marítima de Panamá")])
sc("uscg-col-vessel-texas-eez-consent-force2", "Vienna 1988 art. 17: flag state's conditions (force ceiling 2 < planned 3)",
   "deny", [{"state": "COL", "authority": ""}], FLAG, "maritime_interdiction", TEXAS_EEZ,
   [USCG], vessel={"flag": "COL"},
   given=[consent("COL", "Armada de Colombia", maxf=2)])
sc("uscg-hnd-vessel-texas-eez-expired-consent", "Vienna 1988 art. 17: authorisation expired before the boarding",
   "deny", [{"state": "HND", "authority": ""}], FLAG, "maritime_interdiction", TEXAS_EEZ,
   [USCG], vessel={"flag": "HND"},
   given=[consent("HND", "Marina Mercante", start="2026-03-01T00:00:00Z", end="2026-04-01T00:00:00Z")])
sc("semar-mex-vessel-western-gap", "UNCLOS art. 110(1)(e): same nationality as the warship",
   "allow", [], ["110"], "maritime_interdiction", WESTERN_GAP, [SEMAR_SHIP],
   vessel={"flag": "MEX"})
sc("uscg-usa-vessel-campeche-eez", "UNCLOS art. 110(1)(e) / flag-state jurisdiction art. 92; EEZ is not territory",
   "allow", [], [], "maritime_interdiction", CAMPECHE_EEZ, [USCG],
   vessel={"flag": "USA"})
sc("uscg-pan-vessel-miami-ts", "coastal state sovereignty in its territorial sea (UNCLOS 2, 27(1)(d))",
   "allow", [], [], "maritime_interdiction", MIAMI_TS, [USCG],
   vessel={"flag": "PAN"})
sc("semar-col-vessel-cancun-ts", "coastal state sovereignty in its territorial sea (UNCLOS 2, 27(1)(d))",
   "allow", [], [], "maritime_interdiction", CANCUN_TS, [SEMAR_SHIP],
   vessel={"flag": "COL"})
sc("semar-hnd-vessel-qroo-eez", "Vienna 1988 art. 17: boarding in own EEZ for drugs needs the flag state",
   "needs_consent", [{"state": "HND", "authority": ""}], FLAG, "maritime_interdiction", QROO_EEZ,
   [SEMAR_SHIP], vessel={"flag": "HND"})
sc("uscg-hnd-vessel-tamps-ts", "Const. art. 40: foreign boarding in Mexican territorial sea needs Mexico",
   "needs_consent", [SRE], TERR, "maritime_interdiction", LAPESCA_TS, [USCG],
   vessel={"flag": "HND"})
sc("semar-col-vessel-contiguous-customs", "UNCLOS art. 33: customs control in own contiguous zone",
   "allow", [], [], "maritime_interdiction", LAPESCA_CZ, [SEMAR_SHIP],
   vessel={"flag": "COL"})
sc("semar-stateless-no-corroboration", "partnership policy: intrusive action needs >=2 independent graded sources",
   "deny", [], CORR, "maritime_interdiction", WESTERN_GAP, [SEMAR_SHIP],
   vessel={"stateless": True}, corr={"independent_sources": 1, "best_grade": "B2"})
sc("uscg-stateless-force5", "LNUF art. 11 / DESIGN principle 4: lethal force never planned",
   "deny", [], FORCE, "maritime_interdiction", WESTERN_GAP, [USCG],
   vessel={"stateless": True}, force=5)

# --- Hot pursuit (UNCLOS 111) ---
sc("pursuit-mex-ts-to-western-gap", "UNCLOS art. 111(1): begun in territorial sea, uninterrupted, may continue on the high seas",
   "allow", [], PURS, "maritime_interdiction", WESTERN_GAP, [SEMAR_SHIP],
   vessel={"flag": "HND"},
   pursuit={"started_state": "MEX", "started_zone": "territorial_sea", "uninterrupted": True})
sc("pursuit-mex-ts-interrupted", "UNCLOS art. 111(1): interrupted pursuit ends; boarding then needs the flag state (Vienna art. 17)",
   "needs_consent", [{"state": "HND", "authority": ""}], PURS + FLAG, "maritime_interdiction", WESTERN_GAP,
   [SEMAR_SHIP], vessel={"flag": "HND"},
   pursuit={"started_state": "MEX", "started_zone": "territorial_sea", "uninterrupted": False})
sc("pursuit-from-mex-eez-invalid", "UNCLOS art. 111(1): pursuit cannot begin in the EEZ (drug offence)",
   "needs_consent", [{"state": "COL", "authority": ""}], PURS + FLAG, "maritime_interdiction", WESTERN_GAP,
   [SEMAR_SHIP], vessel={"flag": "COL"},
   pursuit={"started_state": "MEX", "started_zone": "eez", "uninterrupted": True})
sc("pursuit-us-ts-into-mex-ts", "UNCLOS art. 111(3): pursuit ceases at a third state's territorial sea; Mexico's consent",
   "needs_consent", [SRE], PURS, "maritime_interdiction", TAMPS_TS, [USCG],
   vessel={"flag": "PAN"},
   pursuit={"started_state": "USA", "started_zone": "territorial_sea", "uninterrupted": True})
sc("pursuit-us-cz-into-mex-ts-with-consent", "UNCLOS art. 111(3) + Mexico's consent given",
   "allow", [], [], "maritime_interdiction", TAMPS_TS, [USCG],
   vessel={"flag": "HND"},
   pursuit={"started_state": "USA", "started_zone": "contiguous_zone", "uninterrupted": True},
   given=[consent("MEX", "SRE/GANSEG", area=box(TAMPS_TS))])
sc("pursuit-mex-ts-into-us-ts", "UNCLOS art. 111(3): pursuit ceases entering US territorial sea",
   "needs_consent", [USA], PURS, "maritime_interdiction", TEXAS_TS, [SEMAR_SHIP],
   vessel={"flag": "COL"},
   pursuit={"started_state": "MEX", "started_zone": "territorial_sea", "uninterrupted": True})
sc("pursuit-us-ts-into-cuban-ts", "UNCLOS art. 111(3): pursuit ceases at the flag state's own territorial sea",
   "needs_consent", [{"state": "CUB", "authority": ""}], PURS, "maritime_interdiction", HAVANA_TS, [USCG],
   vessel={"flag": "CUB"},
   pursuit={"started_state": "USA", "started_zone": "territorial_sea", "uninterrupted": True})

# --- Joint patrols and consent scope ---
JP = [SEMAR_SHIP, part("USA", "USCG", "ship", 1, True, "support")]
sc("joint-patrol-tamps-ts-consent-in-scope", "Const. art. 40 consent in scope",
   "allow", [], [], "joint_patrol", TAMPS_TS, JP, force=2, corr=None,
   given=[consent("MEX", "SRE/GANSEG", area=box(TAMPS_TS), maxf=2)])
sc("joint-patrol-tamps-ts-consent-elsewhere", "consent covers Quintana Roo only: outside scope",
   "deny", [SRE], TERR, "joint_patrol", TAMPS_TS, JP, force=2, corr=None,
   given=[consent("MEX", "SRE/GANSEG", area=box(CANCUN_TS), maxf=2)])
sc("joint-patrol-tamps-ts-consent-expired", "consent window ended before the patrol",
   "deny", [SRE], TERR, "joint_patrol", TAMPS_TS, JP, force=2, corr=None,
   given=[consent("MEX", "SRE/GANSEG", area=box(TAMPS_TS), maxf=2,
                  start="2026-01-01T00:00:00Z", end="2026-03-01T00:00:00Z")])
sc("joint-patrol-tamps-ts-consent-force", "consent ceiling 1, patrol planned at 2",
   "deny", [SRE], TERR, "joint_patrol", TAMPS_TS, JP, force=2, corr=None,
   given=[consent("MEX", "SRE/GANSEG", maxf=1)])
sc("joint-patrol-tamps-ts-consent-fewer-ships", "consent admits 1 USCG ship, patrol brings 2",
   "deny", [SRE], TERR, "joint_patrol", TAMPS_TS,
   [SEMAR_SHIP, part("USA", "USCG", "ship", 2, True, "support")], force=2, corr=None,
   given=[consent("MEX", "SRE/GANSEG", maxf=2, participants=[part("USA", "USCG", "ship", 1, True)])])
sc("joint-patrol-area-partly-outside-consent", "operation area extends beyond the consent area",
   "deny", [SRE], TERR, "joint_patrol", None, JP, force=2, corr=None,
   area=box(TAMPS_TS, 0.15),
   given=[consent("MEX", "SRE/GANSEG", area=box((25.80, -97.05), 0.1), maxf=2)])
sc("joint-patrol-western-gap", "high seas: no consent needed",
   "allow", [], [], "joint_patrol", WESTERN_GAP, JP, force=2, corr=None)
sc("semar-in-texas-ts-joint-patrol", "territoriality: US territorial sea needs US consent; art. 76-III exit of national forces",
   "needs_consent", [USA, SEN], TERR, "joint_patrol", TEXAS_TS,
   [part("USA", "USCG", "ship", 1, True), part("MEX", "SEMAR", "ship", 1, True, "support")], force=2, corr=None)

# --- Domestic actions, corroboration and force ---
sc("fgr-arrest-mazatlan", "domestic arrest, corroborated, level III",
   "allow", [], [], "arrest", MAZATLAN, [part("MEX", "FGR", "officer", 15, True)])
sc("fgr-arrest-mazatlan-one-source", "partnership policy: >=2 independent sources",
   "deny", [], CORR, "arrest", MAZATLAN, [part("MEX", "FGR", "officer", 15, True)],
   corr={"independent_sources": 1, "best_grade": "A1"})
sc("semar-search-culiacan-no-corroboration", "partnership policy: no corroboration given",
   "deny", [], CORR, "search_premises", CULIACAN, [part("MEX", "SEMAR", "troops", 25, True)], corr=None)
sc("semar-arrest-badiraguato-lethal", "LNUF art. 11 level V never planned",
   "deny", [], FORCE, "arrest", BADIRAGUATO, [part("MEX", "SEDENA", "troops", 40, True)], force=5)
sc("gn-arrest-badiraguato-level4", "LNUF art. 11 level IV (less-lethal) may be planned",
   "allow", [], [], "arrest", BADIRAGUATO, [part("MEX", "GN", "officer", 30, True)], force=4)
sc("cni-surveillance-culiacan-f6", "partnership policy: sources must be graded; F6 is ungraded in substance",
   "deny", [], CORR, "surveillance", CULIACAN, [part("MEX", "CNI", "agent", 3)], force=1,
   corr={"independent_sources": 2, "best_grade": "F6"})
sc("cni-surveillance-culiacan-c3", "three independent sources graded C3",
   "allow", [], [], "surveillance", CULIACAN, [part("MEX", "CNI", "agent", 3)], force=1,
   corr={"independent_sources": 3, "best_grade": "C3"})
sc("uif-asset-freeze-cdmx", "domestic asset freeze, corroborated",
   "allow", [], [], "asset_freeze", CDMX, [part("MEX", "UIF", "officer", 2)], force=1)
sc("uif-asset-freeze-uncorroborated", "partnership policy: asset freeze is intrusive",
   "deny", [], CORR, "asset_freeze", CDMX, [part("MEX", "UIF", "officer", 2)], force=1, corr=None)
sc("ofac-asset-freeze-miami", "domestic US measure",
   "allow", [], [], "asset_freeze", MIAMI, [part("USA", "Treasury", "officer", 2)], force=1)
sc("fgr-transfer-aicm", "transfer under LSN by Mexican officers only",
   "allow", [], [], "transfer", AICM, [part("MEX", "FGR", "officer", 60, True)], force=3,
   window=("2026-05-01T04:00:00Z", "2026-05-01T12:00:00Z"))
sc("us-troops-search-culiacan", "Const. art. 76-III troops, art. 40 consent (not forbidden by LSN: they are not agents)",
   "needs_consent", [SEN, SRE], SENC, "search_premises", CULIACAN,
   [part("MEX", "SEMAR", "troops", 20, True), part("USA", "US Army", "troops", 8, True, "support")])

# --- Expectations corrected after the first (blind) run; see README.md. The blind
# expectation stays above; each correction says why. ---
DK = "dual-key is a product requirement (issue 8 §3: dual-key actions need an approver from each state), not law; the blind expectation left it out"
CORRECTIONS = {
    "usms-custody-transfer-aicm": ({"required_consents": [SRE, USA]}, DK + " (consents only; the decision deny is kept)"),
    "sspc-liaison-houston": ({"decision": "needs_consent", "required_consents": [USA], "citations_any": TERR},
        "DESIGN §6 territoriality is symmetric (any foreign participation on a state's land); a policy choice the law does not forbid"),
    "us-troops-joint-patrol-nuevo-laredo": ({"required_consents": [SEN, SRE, USA]}, DK),
    "semar-in-texas-ts-joint-patrol": ({"required_consents": [USA, SEN, SRE]}, DK + " (the Senado expectation is kept)"),
    "semar-mex-vessel-western-gap": ({"citations_any": []},
        "an own-flag vessel needs no rule (flag-state jurisdiction, UNCLOS 92); the engine fires none, so no citation is due"),
    "pursuit-from-mex-eez-invalid": ({"decision": "allow", "required_consents": [], "citations_any": PURS},
        "UNCLOS art. 111(2) lets hot pursuit begin in the EEZ for violations of EEZ laws; the input carries no ground, so allow (limited) is right in law"),
    "joint-patrol-tamps-ts-consent-in-scope": ({"decision": "needs_consent", "required_consents": [USA]}, DK),
    "joint-patrol-tamps-ts-consent-elsewhere": ({"required_consents": [SRE, USA]}, DK),
    "joint-patrol-tamps-ts-consent-expired": ({"required_consents": [SRE, USA]}, DK),
    "joint-patrol-tamps-ts-consent-force": ({"required_consents": [SRE, USA]}, DK),
    "joint-patrol-tamps-ts-consent-fewer-ships": ({"required_consents": [SRE, USA]}, DK),
    "joint-patrol-area-partly-outside-consent": ({"required_consents": [SRE, USA]}, DK),
    "joint-patrol-western-gap": ({"decision": "needs_consent", "required_consents": [SRE, USA]}, DK),
}
for s_ in S:
    c = CORRECTIONS.pop(s_["name"], None)
    if c:
        s_["blind_expect"] = dict(s_["expect"])
        s_["expect"].update(c[0])
        s_["corrected_after_run"] = c[1]
assert not CORRECTIONS, CORRECTIONS

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios.json")
with open(out, "w", encoding="utf-8") as f:
    json.dump(S, f, ensure_ascii=False, indent=1)
    f.write("\n")
print(len(S), "scenarios ->", out)
