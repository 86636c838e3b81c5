/**
 * Security headers for what browsers load from `accord serve`: the dashboard (a Vite-built React
 * app: scripts and styles from files only, charts drawing style attributes), the REST API's JSON,
 * and its browsable docs (swagger-ui). TAXII answers machines and keeps its own headers.
 */
import type { FastifyReply } from 'fastify';

const COMMON: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

/** The dashboard: no inline scripts; inline style attributes allowed (echarts sets them). */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** swagger-ui at /api/docs: its scripts are files, its styles partly inline. */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** JSON from the API: nothing in it is ever run or shown as a page. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** The common headers, and `csp` unless the route set its own (e.g. an HTML report page). */
export function setSecurityHeaders(reply: FastifyReply, csp: string): void {
  for (const [k, v] of Object.entries(COMMON)) reply.header(k, v);
  if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', csp);
}
