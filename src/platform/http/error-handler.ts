import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError, toProblem, translateDatabaseError } from '../errors.ts';
import { fieldErrorsFrom } from './validation.ts';

/**
 * Every error leaves as application/problem+json with a catalogue code. Fastify's
 * own errors (validation, JSON syntax, media type, body size) are translated;
 * anything unknown is logged in full and answered with a bare 500.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = translate(error);
    if (appError.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code: appError.code, detail: appError.message }, 'request refused');
    }
    return sendProblem(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, new AppError('ROUTE_NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`)),
  );
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  if (error.headers) reply.headers(error.headers);
  return reply
    .code(error.status)
    .type('application/problem+json')
    .send(toProblem(error, request.url.split('?')[0], String(request.id)));
}

function translate(error: FastifyError): AppError {
  if (isAppError(error)) return error;
  if (error.validation) {
    const part = error.validationContext ?? 'body';
    const fieldErrors = fieldErrorsFrom(error.validation as never, part);
    const summary = fieldErrors.map((entry) => `${entry.field} ${entry.message}`).join('; ');
    return new AppError('VALIDATION_FAILED', summary, fieldErrors);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('MALFORMED_JSON', 'the body is empty but the content type is application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('MALFORMED_JSON');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('VALIDATION_FAILED', 'Content-Length does not match the body');
    default:
      break;
  }
  if (error instanceof SyntaxError && error.statusCode === 400) return new AppError('MALFORMED_JSON');
  const fromDatabase = translateDatabaseError(error);
  if (fromDatabase) return fromDatabase;
  if (error.statusCode === 405) return new AppError('METHOD_NOT_ALLOWED');
  return new AppError('INTERNAL_ERROR', 'an unexpected error occurred; the request id identifies it in the logs');
}
