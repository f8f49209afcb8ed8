import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

/**
 * Request bodies are UTF-8 JSON, uncompressed. Anything else is refused up
 * front (415) rather than half-understood: a gzip body parsed as text, or a
 * Latin-1 body whose bytes are silently replaced, would store wrong data.
 */
export async function refuseUnsupportedEncodings(request: FastifyRequest): Promise<void> {
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'compressed request bodies are not accepted; send the JSON uncompressed');
  }
  const type = request.headers['content-type'];
  const charset = type ? /charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1] : undefined;
  if (charset && !/^utf-?8$/i.test(charset)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `request bodies must be UTF-8, not ${charset}`);
  }
}

/**
 * JSON parsing that refuses what PostgreSQL cannot store: invalid UTF-8 (which a
 * plain decode would turn into U+FFFD) and NUL characters in strings.
 */
export function installJsonParser(app: FastifyInstance): void {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body: Buffer, done) => {
    let text: string;
    try {
      text = decoder.decode(body);
    } catch {
      done(new AppError('MALFORMED_JSON', 'the body is not valid UTF-8'), undefined);
      return;
    }
    if (text.trim() === '') {
      // An action POST sent with the JSON content type and no body: no body. Routes
      // that need one say so through their schema ("body is required").
      done(null, undefined);
      return;
    }
    if (/\\u0000/i.test(text)) {
      done(new AppError('VALIDATION_FAILED', 'text values must not contain NUL characters'), undefined);
      return;
    }
    try {
      done(null, JSON.parse(text, rejectPrototypeKeys));
    } catch (error) {
      if (error instanceof AppError) {
        done(error, undefined);
        return;
      }
      done(new AppError('MALFORMED_JSON', `the body is not valid JSON: ${(error as Error).message.slice(0, 120)}`), undefined);
    }
  });
}

/** Prototype-pollution keys are never legitimate field names. */
function rejectPrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
    throw new AppError('VALIDATION_FAILED', `"${key}" is not an acceptable field name`);
  }
  return value;
}
