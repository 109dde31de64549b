import type { MentionPart } from './mentions';

export interface MentionStyle {
  /** Whether `@name` names someone here (a member's username, or 'room'). */
  known(name: string): boolean;
  /** Whether `@name` names the signed-in user (their username, or 'room'). */
  isMe(name: string): boolean;
}

/** An `@name` in a message: highlighted, and strongly so when it names the reader. */
export function MentionSpan(props: { part: MentionPart & { kind: 'mention' }; me: boolean }) {
  return (
    <span className={props.me ? 'mention mention-me' : 'mention'} data-testid="mention">
      {props.part.text}
    </span>
  );
}
