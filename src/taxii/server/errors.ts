/** TAXII 2.1 error messages (section 3.6.1): the body of every 4xx/5xx the TAXII server sends. */
import type { FastifyReply } from 'fastify';
import { TAXII_MEDIA_TYPE } from './media.js';

export interface TaxiiError {
  readonly title: string;
  readonly description?: string;
  readonly error_id?: string;
  readonly error_code?: string;
  readonly http_status: string;
  readonly external_details?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  431: 'Request Header Fields Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

export function taxiiError(
  status: number,
  description: string,
  extra: Partial<Omit<TaxiiError, 'http_status'>> = {},
): TaxiiError {
  return { title: TITLES[status] ?? 'Error', description, http_status: String(status), ...extra };
}

/** Send a TAXII error; returns the reply so hooks and handlers can `return sendError(...)`. */
export function sendError(
  reply: FastifyReply,
  status: number,
  description: string,
  extra: Partial<Omit<TaxiiError, 'http_status'>> = {},
): FastifyReply {
  return (
    reply
      .code(status)
      .header('content-type', TAXII_MEDIA_TYPE)
      // A Buffer, so that Fastify sends the media type exactly as set (it rewrites it for a string).
      .send(Buffer.from(JSON.stringify(taxiiError(status, description, extra))))
  );
}
