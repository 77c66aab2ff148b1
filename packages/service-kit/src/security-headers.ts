import type { RequestHandler } from 'express';

/*
 * Response headers that keep a browser from doing anything clever with what are only JSON answers: no MIME
 * sniffing, no rendering as a page or in a frame, no referrer leaked, no embedding by another site. Set here, in
 * the one place every service's responses pass, rather than with helmet: helmet's defaults are tuned for HTML
 * pages (script and style policies, COEP, DNS prefetch, …) and most would be configured away; these few fixed
 * values are easier to read and to test. Strict-Transport-Security belongs to whatever terminates TLS, not to
 * services spoken to over plain HTTP. The gateway sets the same set on its own answers (nginx.conf).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set(SECURITY_HEADERS);
  next();
};
