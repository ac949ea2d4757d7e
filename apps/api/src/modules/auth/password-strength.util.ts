import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

import { AppError } from '../../common/errors/app-error.js';

/**
 * zxcvbn's score: 0 too guessable ... 4 very unguessable. 3 ("safely unguessable: moderate protection from
 * offline slow-hash scenario", < 10^10 guesses) is the least it calls safe against an attacker who stole the
 * argon2 hashes; length rules alone let "password1234" through.
 */
export const MIN_PASSWORD_SCORE = 3;

// The dictionaries are large; build the estimator once per process, when a password is first checked.
let estimator: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  return estimator;
}

/**
 * Why a password is too weak (zxcvbn's warning and suggestions, in English), or undefined when it is strong
 * enough. `related` are the user's own words (email, name, organization): a password built from them is weak.
 */
export function passwordWeakness(password: string, related: string[]): string | undefined {
  // zxcvbn's cost grows with length; past 100 characters a passphrase is not the weak link.
  const result = zxcvbn().check(password.slice(0, 100), related.flatMap((word) => word.toLowerCase().split(/[^\p{L}\p{N}]+/u)).filter((word) => word.length >= 3));
  if (result.score >= MIN_PASSWORD_SCORE) return undefined;
  const advice = [result.feedback.warning, ...result.feedback.suggestions].filter((line): line is string => typeof line === 'string' && line !== '');
  return `is too easy to guess${advice.length > 0 ? `: ${advice.join(' ')}` : ''}; use a longer passphrase of unrelated words`;
}

/** Throws a 400 naming `path` when the password is too weak (see passwordWeakness). */
export function assertStrongPassword(password: string, related: string[], path = 'body.password'): void {
  const weakness = passwordWeakness(password, related);
  if (weakness === undefined) return;
  throw new AppError('validation_failed', `invalid request: ${path}: password ${weakness}`, { issues: [{ path, message: `password ${weakness}` }] });
}
