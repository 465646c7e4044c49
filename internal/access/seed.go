package access

// SeedStates are the states of the first partnership (DESIGN.md §2).
var SeedStates = []State{
	{Code: "MEX", Name: "Mexico"},
	{Code: "USA", Name: "United States"},
}

// SeedAgencies are the Mexican and US agencies named in DESIGN.md §2.
var SeedAgencies = []Agency{
	{Code: "SEMAR", State: "MEX", Name: "Secretaría de Marina"},
	{Code: "SEDENA", State: "MEX", Name: "Secretaría de la Defensa Nacional"},
	{Code: "SSPC", State: "MEX", Name: "Secretaría de Seguridad y Protección Ciudadana"},
	{Code: "GN", State: "MEX", Name: "Guardia Nacional"},
	{Code: "FGR", State: "MEX", Name: "Fiscalía General de la República"},
	{Code: "SRE", State: "MEX", Name: "Secretaría de Relaciones Exteriores"},
	{Code: "UIF", State: "MEX", Name: "Unidad de Inteligencia Financiera"},
	{Code: "Senado", State: "MEX", Name: "Senado de la República"},
	{Code: "USCG", State: "USA", Name: "United States Coast Guard"},
	{Code: "CBP", State: "USA", Name: "U.S. Customs and Border Protection"},
	{Code: "DEA", State: "USA", Name: "Drug Enforcement Administration"},
	{Code: "DoD", State: "USA", Name: "Department of Defense"},
	{Code: "DOS", State: "USA", Name: "Department of State"},
	{Code: "Treasury/OFAC", State: "USA", Name: "Department of the Treasury, Office of Foreign Assets Control"},
	{Code: "DOJ", State: "USA", Name: "Department of Justice"},
}
