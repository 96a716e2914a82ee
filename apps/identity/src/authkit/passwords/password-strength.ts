/**
 * A password's strength, 0 (too weak) to 4 (strong), from its length and character classes,
 * where a character that repeats or continues a run (aaa, abc, 123) counts a quarter. The page's
 * meter runs this very function (its source is inlined into the page), and the server runs it
 * again on submit: the browser's verdict is never trusted. It must stay self-contained.
 */
export function passwordScore(password: string): number {
  if (!password) return 0;
  let pool = 0;
  if (/[a-z]/.test(password)) pool += 26;
  if (/[A-Z]/.test(password)) pool += 26;
  if (/[0-9]/.test(password)) pool += 10;
  if (/[^A-Za-z0-9]/.test(password)) pool += 33;
  let effective = 0;
  for (let i = 0; i < password.length; i++) {
    const step = i === 0 ? 99 : Math.abs(password.charCodeAt(i) - password.charCodeAt(i - 1));
    effective += step <= 1 ? 0.25 : 1;
  }
  const bits = effective * Math.log2(Math.max(pool, 2));
  return bits < 30 ? 0 : bits < 42 ? 1 : bits < 56 ? 2 : bits < 72 ? 3 : 4;
}
