/**
 * The REST API's one catalogue of coded errors, the throwable ApiError, and the error and
 * not-found handlers that answer every API error with the same body:
 *
 *   { "error": { "code": "ACCORD_VALIDATION", "message": "...", "statusCode": 400, "details": [...] } }
 *
 * Route code throws `apiError('NOT_FOUND', 'no feed "x"')`; schema-validation failures become
 * ACCORD_VALIDATION with one `{ path, message }` per problem; anything unexpected is logged and
 * answered as ACCORD_INTERNAL without its message (which could hold internals).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export interface ApiErrorSpec {
  readonly status: number;
  readonly code: string;
  /** When it happens (docs/api.md lists the catalogue). */
  readonly description: string;
}

export const API_ERRORS = {
  BAD_REQUEST: {
    status: 400,
    code: 'ACCORD_BAD_REQUEST',
    description: 'the request cannot be understood (bad JSON body, malformed URL, bad cursor)',
  },
  VALIDATION: {
    status: 400,
    code: 'ACCORD_VALIDATION',
    description: 'a parameter or body field fails the route schema; details name each one',
  },
  UNAUTHENTICATED: {
    status: 401,
    code: 'ACCORD_UNAUTHENTICATED',
    description: 'no valid session cookie or API key (missing, expired, revoked, user disabled)',
  },
  BAD_CREDENTIALS: {
    status: 401,
    code: 'ACCORD_BAD_CREDENTIALS',
    description: 'login refused: unknown user, wrong password or disabled user (one answer for all)',
  },
  CSRF: {
    status: 403,
    code: 'ACCORD_CSRF',
    description: 'a cookie-authenticated POST/PUT/PATCH/DELETE without the right X-CSRF-Token header',
  },
  FORBIDDEN: {
    status: 403,
    code: 'ACCORD_FORBIDDEN',
    description: "the user's role does not allow this route",
  },
  NOT_FOUND: { status: 404, code: 'ACCORD_NOT_FOUND', description: 'no such route or resource' },
  NOT_ACCEPTABLE: {
    status: 406,
    code: 'ACCORD_NOT_ACCEPTABLE',
    description: 'the requested format cannot be produced',
  },
  CONFLICT: {
    status: 409,
    code: 'ACCORD_CONFLICT',
    description: 'the resource exists already or is in a state that forbids the change',
  },
  PAYLOAD_TOO_LARGE: { status: 413, code: 'ACCORD_PAYLOAD_TOO_LARGE', description: 'the body is too large' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    code: 'ACCORD_UNSUPPORTED_MEDIA_TYPE',
    description: 'the body is not application/json',
  },
  RATE_LIMITED: {
    status: 429,
    code: 'ACCORD_RATE_LIMITED',
    description: 'too many failed logins from this address or for this user; see Retry-After',
  },
  INTERNAL: {
    status: 500,
    code: 'ACCORD_INTERNAL',
    description: 'an unexpected error; the server log has the details',
  },
  UNAVAILABLE: {
    status: 503,
    code: 'ACCORD_UNAVAILABLE',
    description: 'a facility the request needs is not available (e.g. no Chromium for PDF)',
  },
} as const satisfies Record<string, ApiErrorSpec>;

export type ApiErrorName = keyof typeof API_ERRORS;

export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly statusCode: number;
    readonly details?: readonly ErrorDetail[];
  };
}

export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: string;

  constructor(
    readonly spec: ApiErrorSpec,
    message: string,
    readonly details?: readonly ErrorDetail[],
    /** Extra response headers (e.g. Retry-After). */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = spec.status;
    this.code = spec.code;
  }

  body(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        statusCode: this.statusCode,
        ...(this.details && this.details.length > 0 ? { details: this.details } : {}),
      },
    };
  }
}

export function apiError(
  name: ApiErrorName,
  message: string,
  details?: readonly ErrorDetail[],
  headers?: Readonly<Record<string, string>>,
): ApiError {
  return new ApiError(API_ERRORS[name], message, details, headers);
}

/** The JSON schema of the error body, registered as `ApiError` (use `{ $ref: 'ApiError#' }` in responses). */
export const ERROR_SCHEMA = {
  $id: 'ApiError',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'statusCode'],
      properties: {
        code: { type: 'string', enum: Object.values(API_ERRORS).map((e) => e.code) },
        message: { type: 'string' },
        statusCode: { type: 'integer' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            required: ['path', 'message'],
            properties: { path: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
} as const;

/** Send an ApiError (headers included); what handlers and hooks use to answer with an error. */
export function sendApiError(reply: FastifyReply, e: ApiError): FastifyReply {
  if (e.headers) for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
  return reply.code(e.statusCode).type('application/json; charset=utf-8').send(e.body());
}

interface AjvIssue {
  readonly instancePath?: string;
  readonly message?: string;
  readonly keyword?: string;
  readonly params?: Record<string, unknown>;
}

/** `{ path, message }` per schema problem, the path led by where it is (querystring, body, params, headers). */
export function validationDetails(context: string | undefined, issues: readonly AjvIssue[]): ErrorDetail[] {
  return issues.map((i) => {
    let path = `${context ?? 'request'}${i.instancePath ?? ''}`;
    const extra = i.params?.missingProperty ?? i.params?.additionalProperty;
    if (typeof extra === 'string') path += `/${extra}`;
    const message = i.keyword === 'additionalProperties' ? 'is not allowed' : (i.message ?? 'is invalid');
    return { path, message };
  });
}

/** Map whatever was thrown to an ApiError; undefined when it is unexpected (answered as INTERNAL). */
export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  const e = error as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
  if (Array.isArray(e.validation)) {
    const details = validationDetails(e.validationContext, e.validation);
    const message = details.map((d) => `${d.path} ${d.message}`).join('; ');
    return apiError('VALIDATION', message, details);
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return apiError('PAYLOAD_TOO_LARGE', 'the body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return apiError('UNSUPPORTED_MEDIA_TYPE', 'request bodies must be application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return apiError('BAD_REQUEST', 'the JSON body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return apiError('BAD_REQUEST', 'the body is not valid JSON');
  }
  if (e instanceof SyntaxError || e.statusCode === 400)
    return apiError('BAD_REQUEST', 'the request cannot be understood');
  if (e.statusCode === 404) return apiError('NOT_FOUND', 'no such resource');
  if (e.statusCode === 413) return apiError('PAYLOAD_TOO_LARGE', 'the body is too large');
  if (e.statusCode === 415)
    return apiError('UNSUPPORTED_MEDIA_TYPE', 'request bodies must be application/json');
  return undefined;
}

export function apiErrorHandler(error: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e = toApiError(error);
  if (e) return sendApiError(reply, e);
  req.log.error({ err: error }, 'api: internal error');
  return sendApiError(reply, apiError('INTERNAL', 'internal error; the server log has the details'));
}

export function apiNotFoundHandler(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendApiError(
    reply,
    apiError('NOT_FOUND', `no such API route: ${req.method} ${req.url.split('?')[0]}`),
  );
}
