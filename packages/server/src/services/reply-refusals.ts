import { ERROR_CODES } from '@confab/contracts';
import { AppError } from '../errors.js';
import type { AppendResult } from '../ports/store.js';

type ReplyRefusal = Extract<
  AppendResult,
  {
    status:
      | 'reply-not-found'
      | 'thread-not-found'
      | 'thread-is-reply'
      | 'thread-deleted'
      | 'attachment-not-found';
  }
>;

/** The store refused a reply, thread reply or attachment (nothing was written): what the sender hears. */
export function replyRefusal(result: ReplyRefusal): AppError {
  switch (result.status) {
    case 'reply-not-found':
      return new AppError(
        ERROR_CODES.MESSAGE_NOT_FOUND,
        'The message replied to is not in this room',
      );
    case 'thread-not-found':
      return new AppError(
        ERROR_CODES.MESSAGE_NOT_FOUND,
        "The thread's message is not in this room",
      );
    case 'thread-is-reply':
      return new AppError(
        ERROR_CODES.CONFLICT,
        "A thread reply has no thread of its own: reply in its root's thread",
      );
    case 'thread-deleted':
      return new AppError(ERROR_CODES.CONFLICT, "The thread's message was deleted");
    case 'attachment-not-found':
      return new AppError(
        ERROR_CODES.FILE_NOT_FOUND,
        'An attachment is not a finished upload of yours to this room, or was already sent',
      );
  }
}
