import type { Candidate, ReportName } from './report';

/**
 * The top `limit` by score, ties by id ascending (numerically: Redis would put member "10" before "9").
 * Scores of 0 or less are members whose orders were all deleted; a MySQL GROUP BY would not list them.
 */
export function rankTop(candidates: readonly Candidate[], limit: number): Candidate[] {
  return candidates
    .filter((candidate) => candidate.score > 0)
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, limit);
}

/**
 * The JSON body of a report. Money travels as integer cents and becomes a number with at most 2 decimals
 * here: n / 100 is the double nearest to the decimal n/100, so JSON.stringify prints it exactly (1999.99).
 */
export function renderReport(report: ReportName, ranked: readonly Candidate[]): string {
  const rows =
    report === 'highest-spenders'
      ? ranked.map(({ id, name, score }) => ({ user_id: id, name, total_expense: score / 100 }))
      : ranked.map(({ id, name, score }) => ({ product_id: id, name, quantity_sold: score }));
  return JSON.stringify(rows);
}
