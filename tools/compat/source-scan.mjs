// Helpers for reading SDK sources without a parser: string and comment masking, brace
// matching, and path-template normalisation. Shared by the Node and Java SDK readers.

/**
 * The text with comments and the contents of string literals replaced by spaces (newlines
 * kept), so brace and parenthesis depth can be counted on it at the original offsets. Template
 * expressions inside strings (`${…}`) are blanked too: they never hold declarations.
 */
export function mask(src) {
  const out = src.split('');
  let i = 0;
  const blank = (from, to) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      const end = src.indexOf('\n', i);
      blank(i, end < 0 ? src.length : end);
      i = end < 0 ? src.length : end;
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2) + 2;
      blank(i, end);
      i = end;
    } else if (src.startsWith('"""', i)) {
      const end = src.indexOf('"""', i + 3) + 3;
      blank(i + 3, end - 3);
      i = end;
    } else if (c === '"' || c === "'" || c === '`') {
      let k = i + 1;
      while (k < src.length && src[k] !== c) k += src[k] === '\\' ? 2 : 1;
      blank(i + 1, k);
      i = k + 1;
    } else {
      i++;
    }
  }
  return out.join('');
}

/** Offset of the brace that closes the one at `open` (in masked text). */
export function closingBrace(masked, open) {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    if (masked[i] === '{') depth++;
    else if (masked[i] === '}' && --depth === 0) return i;
  }
  return masked.length;
}

/** Offsets (in masked text between `from` and `to`) that sit at brace depth 0 relative to `from`. */
export function atDepthZero(masked, from, to, pattern) {
  const hits = [];
  let depth = 0;
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  re.lastIndex = from;
  let m;
  let scanned = from;
  while ((m = re.exec(masked)) && m.index < to) {
    for (; scanned < m.index; scanned++) {
      if (masked[scanned] === '{') depth++;
      else if (masked[scanned] === '}') depth--;
    }
    if (depth === 0) hits.push(m);
  }
  return hits;
}

/** `/users/${encodePathSegment(id)}/x` → `/users/{id}/x`; `${x}` and `${a.b}` → `{x}` / `{b}`. */
export function templatePath(raw) {
  return raw.replace(/\$\{\s*(?:\w+\()?\s*([\w.]+?)\s*\)?\s*\}/g, (_, expr) => `{${expr.split('.').pop()}}`).replace(/\?.*$/, '');
}
