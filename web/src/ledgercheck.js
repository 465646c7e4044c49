// Checks, in the browser, that the ledger only grows: the oversight page remembers the last
// checkpoint it saw (size and root hash, per log origin, in localStorage) and, when a newer one
// appears, asks the server for a consistency proof (GET /api/v1/ledger/proof/consistency) and
// verifies it (RFC 9162 §2.1.4.2, SHA-256 with the RFC 6962 node prefix 0x01), so a rewritten
// history shows as a failure here whatever the server claims. It needs crypto.subtle (HTTPS or
// localhost).

const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const eq = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

async function node(left, right) {
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = 1;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

// verifyConsistency reports whether proof (base64 hashes) shows that the tree of size1 with
// root1 is a prefix of the tree of size2 with root2 (roots base64).
export async function verifyConsistency(size1, size2, proof, root1, root2) {
  const r1 = b64(root1), r2 = b64(root2);
  const path = proof.map(b64);
  if (size1 > size2) return false;
  if (size1 === size2) return path.length === 0 && eq(r1, r2);
  if (size1 === 0) return path.length === 0;
  if (path.length === 0) return false;
  if ((size1 & (size1 - 1)) === 0) path.unshift(r1);
  let fn = size1 - 1, sn = size2 - 1;
  while (fn & 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if ((fn & 1) || fn === sn) {
      fr = await node(c, fr);
      sr = await node(c, sr);
      if (!(fn & 1)) {
        do { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } while (!(fn & 1) && fn !== 0);
      }
    } else {
      sr = await node(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return eq(fr, r1) && eq(sr, r2) && sn === 0;
}

const key = (origin) => 'accord.checkpoint.' + origin;

// checkGrowth compares checkpoint cp ({origin, size, root}) with the last one this browser saw
// and answers {status, from, to}: 'first' (nothing seen before; remembered now), 'same',
// 'consistent' (verified proof; remembered now), 'inconsistent' (the proof fails or the log
// shrank: not remembered, so the alarm stays), 'unverifiable' (no crypto.subtle).
export async function checkGrowth(cp, fetchProof) {
  let seen;
  try { seen = JSON.parse(localStorage.getItem(key(cp.origin)) || 'null'); } catch { seen = null; }
  const remember = () => { try { localStorage.setItem(key(cp.origin), JSON.stringify({ size: cp.size, root: cp.root })); } catch { /* storage disabled */ } };
  if (!seen) { remember(); return { status: 'first', to: cp.size }; }
  if (seen.size === cp.size) return { status: seen.root === cp.root ? 'same' : 'inconsistent', from: seen.size, to: cp.size };
  if (seen.size > cp.size) return { status: 'inconsistent', from: seen.size, to: cp.size };
  if (!globalThis.crypto?.subtle) return { status: 'unverifiable', from: seen.size, to: cp.size };
  const p = await fetchProof(seen.size, cp.size);
  const ok = await verifyConsistency(seen.size, cp.size, p.proof || [], seen.root, cp.root);
  if (ok) remember();
  return { status: ok ? 'consistent' : 'inconsistent', from: seen.size, to: cp.size };
}
