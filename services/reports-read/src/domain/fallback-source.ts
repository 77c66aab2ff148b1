import { ProjectionUnavailableError, type ReportSource } from './report';

/**
 * The projection, and MySQL when the projection is missing or being rebuilt (Redis lost it): a right answer
 * from the source of truth instead of a partial one. Any other failure (Redis down) stays a failure. The
 * fallback's answers say who answered (servedBy) and are never cached, so the projection answers again as soon
 * as it is back. Without a fallback the request gets 503 UNAVAILABLE.
 */
export function withFallback(primary: ReportSource, fallback: ReportSource | undefined): ReportSource {
  if (!fallback) return primary;
  return {
    name: primary.name,
    async candidates(report, limit) {
      try {
        return await primary.candidates(report, limit);
      } catch (error) {
        if (!(error instanceof ProjectionUnavailableError)) throw error;
        return { ...(await fallback.candidates(report, limit)), servedBy: fallback.name };
      }
    },
  };
}
