/** A documented route: an OpenAPI path template (`/organizations/{id}`) and its methods. */
export interface KnownRoute {
  path: string;
  methods: string[];
  /** `path` split, filled in on first use. */
  segments?: string[];
}

/* A suggestion is at most this many edits away from the request. */
const MAX_EDITS = 3;

/* Work limits: a suggestion is a courtesy, never a cost an attacker can inflate. */
const MAX_PATH_LENGTH = 300;
const MAX_SEGMENTS = 12;
/* A segment that is an object ID (org_01H…, a UUID, a number) stands for any `{param}`. */
const ID_LIKE = /^([a-z]+_)+[0-9A-HJKMNP-TV-Z]{26}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^\d+$/i;

/** Levenshtein distance, or any value above `cap` as soon as it must exceed it. */
function levenshtein(a: string, b: string, cap: number): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let least = i;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (row[j]! < least) least = row[j]!;
    }
    if (least > cap) return cap + 1;
    prev = row;
  }
  return prev[b.length]!;
}

const isParam = (s: string) => s.startsWith('{') && s.endsWith('}');
const weight = (s: string) => (isParam(s) ? 3 : s.length + 1);

/** Cost of reading request segment `seg` as template segment `tpl` (values above `cap` are all alike). */
function substitution(seg: string, tpl: string, cap: number): number {
  if (isParam(tpl)) return ID_LIKE.test(seg) ? 0 : 1;
  return levenshtein(seg.toLowerCase(), tpl.toLowerCase(), cap);
}

const segmentsOf = (path: string) => path.split('/').filter(Boolean);

/** Edit distance between a request path and a template, counted over segments. */
export function pathDistance(path: string, template: string): number {
  return segmentDistance(segmentsOf(path), segmentsOf(template), Infinity);
}

/*
 * The same over split paths, giving up (any value above `cap`) once every alignment costs more:
 * a suggestion is at most 3 edits away, so a 404 costs a few rows per route, not full tables.
 */
function segmentDistance(a: string[], b: string[], cap: number): number {
  let prev = [0];
  for (let j = 1; j <= b.length; j++) prev[j] = prev[j - 1]! + weight(b[j - 1]!);
  for (let i = 1; i <= a.length; i++) {
    const row = [prev[0]! + weight(a[i - 1]!)];
    let least = row[0]!;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + weight(a[i - 1]!), row[j - 1]! + weight(b[j - 1]!), prev[j - 1]! + substitution(a[i - 1]!, b[j - 1]!, cap));
      if (row[j]! < least) least = row[j]!;
    }
    if (least > cap) return cap + 1;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The documented route nearest to a request that matched none, as `METHOD /template`, when it is
 * close enough to be what the caller meant: at most 3 edits and under a third of the path's
 * length. A route with the request's method wins a tie; a path that exists only with other
 * methods is suggested with one of those.
 */
export function nearestRoute(method: string, path: string, routes: KnownRoute[]): string | undefined {
  if (path.length > MAX_PATH_LENGTH || path.split('/').length > MAX_SEGMENTS + 1) return undefined;
  const verb = method === 'HEAD' ? 'GET' : method;
  const segments = segmentsOf(path);
  let best: { score: number; text: string } | undefined;
  for (const r of routes) {
    const distance = segmentDistance(segments, (r.segments ??= segmentsOf(r.path)), MAX_EDITS);
    const sameMethod = r.methods.includes(verb);
    // Same path, same method: the request did match it, so it is no suggestion.
    if (distance === 0 && sameMethod) continue;
    const score = distance * 2 + (sameMethod ? 0 : 1);
    if (!best || score < best.score) best = { score, text: `${sameMethod ? verb : r.methods[0]} ${r.path}` };
  }
  if (!best) return undefined;
  const distance = Math.floor(best.score / 2);
  return distance <= MAX_EDITS && distance * 3 < path.replace(/\//g, '').length ? best.text : undefined;
}
