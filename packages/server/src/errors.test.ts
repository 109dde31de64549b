import { getErrorShape } from '@trpc/server';
import { expect, it } from 'vitest';
import { AppError } from './errors.js';
import { router } from './trpc.js';

/** The error shape the wire carries for an error thrown by a mutation, from our formatter. */
function shapeOf(error: AppError) {
  return getErrorShape({
    config: router({})._def._config,
    error,
    type: 'mutation',
    path: 'auth.register',
    input: undefined,
    ctx: undefined,
  });
}

it("carries an AppError's issues to the wire as data.issues, beside its message", () => {
  const error = new AppError('VALIDATION', 'Password is one of the most common passwords', {
    issues: [{ path: 'password', message: 'is one of the most common passwords' }],
  });
  expect(shapeOf(error)).toEqual({
    message: 'Password is one of the most common passwords',
    code: -32600,
    data: {
      code: 'BAD_REQUEST',
      httpStatus: 400,
      path: 'auth.register',
      appCode: 'VALIDATION',
      issues: [{ path: 'password', message: 'is one of the most common passwords' }],
    },
  });
});

it('sends no issues for an AppError without them', () => {
  expect(shapeOf(new AppError('USERNAME_TAKEN', 'That username is taken'))).toEqual({
    message: 'That username is taken',
    code: -32009, // tRPC's JSON-RPC code for CONFLICT
    data: { code: 'CONFLICT', httpStatus: 409, path: 'auth.register', appCode: 'USERNAME_TAKEN' },
  });
});
