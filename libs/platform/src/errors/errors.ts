/**
 * Typed domain errors with a stable `code`. Domain and service code throw these; one exception
 * filter per app turns them into the WorkOS error body (WORKOS_API.md §3).
 */
export interface FieldError {
  field?: string;
  code: string;
  message?: string;
}

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, id: string) {
    super(404, 'entity_not_found', `Could not find ${entity} with the id, ${id}.`, { entity_id: id });
  }
}

export class ValidationError extends DomainError {
  constructor(readonly errors: FieldError[], message = 'Validation failed') {
    super(422, 'invalid_request_parameters', message, { errors });
  }
}

export class BadRequestError extends DomainError {
  constructor(code: string, message: string, extra: Record<string, unknown> = {}) {
    super(400, code, message, extra);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Unauthorized') {
    super(401, 'unauthorized', message);
  }
}

export class RateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'rate_limit_exceeded', 'Rate limit exceeded. Retry after the time given in Retry-After.');
  }
}
