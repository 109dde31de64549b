import type { Member } from '@confab/contracts';
import { useTyping } from '@confab/react';
import { NameList } from '../ui/NameList';

/** "Ada is typing…", "Ada and Ben are typing…": polite, so it never interrupts. */
export function TypingIndicator(props: { roomId: string; members: ReadonlyMap<string, Member> }) {
  const typing = useTyping(props.roomId);
  const names = typing.map((id) => props.members.get(id)?.displayName ?? 'Someone');
  return (
    <div className="typing" aria-live="polite" data-testid="typing">
      {names.length > 0 && (
        <>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {names.length > 3 ? (
            'Several people are typing…'
          ) : (
            <>
              <NameList names={names} /> {names.length === 1 ? 'is' : 'are'} typing…
            </>
          )}
        </>
      )}
    </div>
  );
}
