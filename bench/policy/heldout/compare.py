#!/usr/bin/env python3
"""Compares the engine's decisions (OUTDIR/<name>.json, from `accord policy check`) with the
expectations in scenarios.json. Prints one line a scenario and the total; exit 1 on any
disagreement. Usage: compare.py scenarios.json OUTDIR"""
import json, sys, os

ALIASES = {"sre": "SRE/GANSEG", "ganseg": "SRE/GANSEG", "sre/ganseg": "SRE/GANSEG",
           "senate": "Senado", "senado": "Senado", "comisión permanente": "Senado",
           "comision permanente": "Senado"}

def norm(a):
    a = (a or "").strip()
    return ALIASES.get(a.lower(), a)

def key(c):
    return (c.get("state", ""), norm(c.get("authority", "")))

def outstanding(out):
    req = [c for c in out.get("required_consents") or [] if isinstance(c, dict)]
    sat = {key(c) for c in out.get("satisfied_consents") or [] if isinstance(c, dict)}
    return [c for c in req if key(c) not in sat]

def consents_match(expected, actual):
    """Each expected consent matches one actual (authority "" = any) and nothing is left over."""
    left = [key(c) for c in actual]
    for e in expected:
        st, au = e["state"], norm(e["authority"])
        hit = next((i for i, (s, a) in enumerate(left) if s == st and (au == "" or a == au)), None)
        if hit is None:
            return False
        left.pop(hit)
    return not left

def main():
    scen = json.load(open(sys.argv[1], encoding="utf-8"))
    outdir = sys.argv[2]
    agree = dec_agree = 0
    for s in scen:
        name, exp = s["name"], s["expect"]
        path = os.path.join(outdir, name + ".json")
        try:
            out = json.load(open(path, encoding="utf-8"))
        except Exception as e:  # noqa: BLE001 - report and count as disagreement
            print(f"{name:48s} expected={exp['decision']:13s} actual=ERROR ({e})  DISAGREE")
            continue
        got = out.get("decision", "?")
        act = outstanding(out)
        cmatch = consents_match(exp["required_consents"], act)
        cites = " | ".join(r.get("citation", "") for r in out.get("rules") or [])
        citeok = (not exp["citations_any"]) or any(c.lower() in cites.lower() for c in exp["citations_any"])
        ok = got == exp["decision"] and cmatch and citeok
        dec_agree += got == exp["decision"]
        agree += ok
        acts = ",".join(f"{c.get('state')}:{c.get('authority')}" for c in act) or "-"
        exps = ",".join(f"{c['state']}:{c['authority'] or '*'}" for c in exp["required_consents"]) or "-"
        print(f"{name:48s} expected={exp['decision']:13s} actual={got:13s} "
              f"consents={'ok' if cmatch else 'MISMATCH'}(exp {exps}; got {acts}) "
              f"citation={'ok' if citeok else 'MISMATCH'} rules=[{','.join(r.get('id','') for r in out.get('rules') or [])}] "
              f"{'AGREE' if ok else 'DISAGREE'}")
    print(f"decision agree {dec_agree}/{len(scen)}")
    print(f"agree {agree}/{len(scen)}")
    sys.exit(0 if agree == len(scen) else 1)

main()
