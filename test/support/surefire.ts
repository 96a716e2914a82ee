import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export interface JavaTestCase {
  className: string;
  name: string;
  /** The failure or error message (first lines), when the test did not pass. */
  failure?: string;
  skipped: boolean;
}

/** Every test case in Maven Surefire's XML reports (`target/surefire-reports/TEST-*.xml`). */
export function readSurefireReports(dir: string): JavaTestCase[] {
  if (!existsSync(dir)) return [];
  const cases: JavaTestCase[] = [];
  for (const file of readdirSync(dir).filter((f) => /^TEST-.*\.xml$/.test(f)).sort()) {
    const xml = readFileSync(join(dir, file), 'utf8');
    for (const m of xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
      const attrs = attributes(m[1]!);
      const body = m[2] ?? '';
      const problem = /<(failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1>)/.exec(body);
      let failure: string | undefined;
      if (problem) {
        const a = attributes(problem[2]!);
        const detail = a.message ?? decode(problem[3] ?? '').split('\n')[0] ?? '';
        failure = `${a.type ?? problem[1]}: ${detail}`.slice(0, 2000);
      }
      cases.push({ className: (attrs.classname ?? '').replace(/^.*\./, ''), name: attrs.name ?? '?', failure, skipped: /<skipped\b/.test(body) });
    }
  }
  return cases;
}

function attributes(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([\w:.-]+)="([^"]*)"/g)) out[m[1]!] = decode(m[2]!);
  return out;
}

function decode(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&');
}
