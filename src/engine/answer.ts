import type { Piece } from './bucket';
import type { HttpResult } from './http-client';
import { backsOff, responseMessage, type ResponseKind } from './response';
import type { DropReason } from './types';

/**
 * What the engine does with the piece of a batch a request carried, once its answer is known
 * (the table in `initial-state-api.md`).
 */
export type PieceDecision =
  /** 2xx: the events are delivered. */
  | { action: 'deliver' }
  /** 429: the same request goes again when the limiter allows. */
  | { action: 'resend' }
  /** 413 or 400/409 on several events: the two halves go on their own, to find the bad one(s). */
  | { action: 'split'; halves: [Piece, Piece] }
  /** 413 or 400/409 on one event: it fails for `reason`. */
  | { action: 'fail'; reason: DropReason }
  /** 5xx, network errors, 404 and other 4xx: the same request goes again after a back-off. */
  | { action: 'back-off' }
  /** 401/403 and 402: the piece stays in flight for when sending resumes (or close). */
  | { action: 'hold' };

/** What an answer of `kind` to a request carrying `piece` does to it. */
export function decidePiece(kind: ResponseKind, piece: Piece): PieceDecision {
  switch (kind) {
    case 'ok':
      return { action: 'deliver' };
    case 'rate-limited':
      return { action: 'resend' };
    case 'too-large':
    case 'invalid':
      if (piece.events.length > 1) return { action: 'split', halves: halves(piece) };
      return { action: 'fail', reason: kind === 'invalid' ? 'rejected' : 'too-large' };
    default:
      return backsOff(kind) ? { action: 'back-off' } : { action: 'hold' };
  }
}

/**
 * What the engine does with a bucket it created on its own (`autoCreate`) once the answer is
 * known: 'created'; 'resend' (429); 'back-off'; 'assume-created' when the service refuses the
 * request itself (400, 409, 413), so that the events' own answers tell what is wrong with them;
 * 'hold' for 401/403 and 402, which stop or pause all sending.
 */
export function decideCreated(kind: ResponseKind): 'created' | 'resend' | 'back-off' | 'assume-created' | 'hold' {
  if (kind === 'ok') return 'created';
  if (kind === 'rate-limited') return 'resend';
  if (backsOff(kind)) return 'back-off';
  if (kind === 'invalid' || kind === 'too-large') return 'assume-created';
  return 'hold';
}

/** The message an answer is reported with; a 404 names the endpoint, the likely culprit. */
export function explainAnswer(kind: ResponseKind, result: HttpResult, endpoint: string): string {
  if (kind === 'not-found') return `endpoint ${endpoint} answered 404: check the endpoint URL (${responseMessage(result)})`;
  return responseMessage(result);
}

/** The two halves of a piece (the first one the larger), each with its own spool index. */
function halves(piece: Piece): [Piece, Piece] {
  const half = Math.ceil(piece.events.length / 2);
  const left: Piece = { ...piece, events: piece.events.slice(0, half), tickets: piece.tickets.slice(0, half) };
  const right: Piece = { ...piece, events: piece.events.slice(half), tickets: piece.tickets.slice(half), start: piece.start + half };
  return [left, right];
}
