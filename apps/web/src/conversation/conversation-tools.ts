import type { ChatMessage } from '@confab/react';
import { createContext, useContext } from 'react';

/**
 * What a message's reply quote, reactions, thread link and menu need from their conversation,
 * given once by Conversation rather than threaded through MessageList and MessageRow.
 */
export interface ConversationTools {
  roomId: string;
  meId: string;
  /** A member's or former author's display name ("Former member" if the server knows neither). */
  nameOf(userId: string): string;
  /** The timeline's loaded messages by id: a reply's quote is looked up here first. */
  loaded: ReadonlyMap<string, ChatMessage>;
  /** Shows "Replying to …" above the composer: the next message quotes this one. */
  startReply(message: ChatMessage): void;
  /** Opens the thread of this message in the side panel. */
  openThread(messageId: string): void;
  /** Goes to a message of this room (a message link), loading history around it if need be. */
  jumpTo(messageId: string): void;
  /** Adds (`on`) or takes back the user's reaction; rejects with the server's refusal. */
  react(messageId: string, emoji: string, on: boolean): Promise<void>;
  /** Rejects with the server's refusal. */
  pin(messageId: string, pinned: boolean): Promise<void>;
}

export const ConversationToolsContext = createContext<ConversationTools | null>(null);

/** The tools of the conversation around; null outside one (the features then stay hidden). */
export function useConversationTools(): ConversationTools | null {
  return useContext(ConversationToolsContext);
}

/** The first line of a message, cut to `max` characters, for quotes and the reply bar. */
export function excerptOf(body: string, max = 120): string {
  const line = body.trim().split('\n', 1)[0] ?? '';
  const chars = [...line];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : line;
}
