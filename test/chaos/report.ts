import type { Verdict } from './invariants';

export const INVARIANTS = ['acked writes readable', 'events once, in order', 'webhooks once', 'no 5xx outside window', 'recovery'] as const;
export type Invariant = (typeof INVARIANTS)[number];

export interface Row {
  fault: string;
  recoverySeconds: number;
  failedRequestsInWindow: number;
  verdicts: Partial<Record<Invariant, Verdict>>;
}

/** The faults × invariants table, as Markdown (printed, and pasted into docs/reliability.md). */
export function renderTable(rows: Row[], recoveryBoundS: number): string {
  const head = `| fault | ${INVARIANTS.map((i) => (i === 'recovery' ? `recovery ≤ ${recoveryBoundS} s` : i)).join(' | ')} | 5xx/no answer in window |`;
  const sep = `| --- | ${INVARIANTS.map(() => '---').join(' | ')} | --- |`;
  const cell = (r: Row, i: Invariant) => {
    const v = r.verdicts[i];
    if (!v) return 'not run';
    if (i === 'recovery') return `${v.pass ? 'pass' : 'FAIL'} ${r.recoverySeconds.toFixed(1)} s`;
    return v.pass ? 'pass' : `FAIL: ${v.detail.replace(/\|/g, '/')}`;
  };
  return [head, sep, ...rows.map((r) => `| ${r.fault} | ${INVARIANTS.map((i) => cell(r, i)).join(' | ')} | ${r.failedRequestsInWindow} |`)].join('\n');
}
