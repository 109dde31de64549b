import type { RoomNotice } from '@confab/contracts';

/**
 * One piece of a notice's line: plain words, a person (by id, named by the conversation's
 * lookup), or text someone chose (a room name, a topic), shown in quotes. People and chosen text
 * are isolated when rendered (see lib/bidi.ts), so a right-to-left name cannot reorder the words.
 */
export type NoticePart =
  | { kind: 'text'; text: string }
  | { kind: 'person'; userId: string }
  | { kind: 'quote'; text: string };

const text = (value: string): NoticePart => ({ kind: 'text', text: value });
const person = (userId: string): NoticePart => ({ kind: 'person', userId });
const quote = (value: string): NoticePart => ({ kind: 'quote', text: value });

/** "a, b and c" out of phrases (each a list of parts). */
function joined(phrases: NoticePart[][]): NoticePart[] {
  return phrases.flatMap((phrase, i) => {
    if (i === 0) return phrase;
    return [text(i === phrases.length - 1 ? ' and ' : ', '), ...phrase];
  });
}

/** What a room.updated changed, as phrases ("renamed the room to “Ops”"). */
function roomChanges(notice: Extract<RoomNotice, { type: 'room.updated' }>): NoticePart[][] {
  // Entries logged before `changed` existed: say what the room's name and topic are now.
  const changed = notice.changed ?? ['name', 'topic'];
  return changed.map((field) => {
    if (field === 'name') return [text('renamed the room to '), quote(notice.name)];
    if (field === 'topic') {
      return notice.topic === ''
        ? [text('cleared the topic')]
        : [text('changed the topic to '), quote(notice.topic)];
    }
    return [text(`made the room ${notice.kind ?? 'private'}`)];
  });
}

/**
 * The line a conversation shows for a notice, as parts: "Ann joined", "Bob removed Cat", "Ann
 * renamed the room to “Ops”", "Ann made Bob an admin", "Ann handed the room to Bob". Null for an
 * entry that says nothing new: the previous owner's own step down to admin in a hand-over (the
 * line before it, "… handed the room to …", says it), and an update that changed nothing.
 */
export function noticeParts(notice: RoomNotice): NoticePart[] | null {
  const actor = person(notice.actorId);
  switch (notice.type) {
    case 'member.joined':
      if (notice.via === 'create') return [actor, text(' created the room')];
      if (notice.userId === notice.actorId) return [actor, text(' joined')];
      return [actor, text(' added '), person(notice.userId)];
    case 'member.left':
      return [person(notice.userId), text(' left')];
    case 'member.removed':
      return [actor, text(' removed '), person(notice.userId)];
    case 'room.updated': {
      const phrases = roomChanges(notice);
      return phrases.length === 0 ? null : [actor, text(' '), ...joined(phrases)];
    }
    case 'member.role':
      // Only a hand-over changes one's own role: the owner's line says it.
      if (notice.userId === notice.actorId) return null;
      if (notice.role === 'owner')
        return [actor, text(' handed the room to '), person(notice.userId)];
      return [
        actor,
        text(' made '),
        person(notice.userId),
        text(notice.role === 'admin' ? ' an admin' : ' a member'),
      ];
  }
}

/** The notice's line as plain text, people named by `nameOf` (tests, and the screen reader's label). */
export function noticeText(notice: RoomNotice, nameOf: (userId: string) => string): string | null {
  const parts = noticeParts(notice);
  if (!parts) return null;
  return parts
    .map((part) => {
      if (part.kind === 'person') return nameOf(part.userId);
      if (part.kind === 'quote') return `“${part.text}”`;
      return part.text;
    })
    .join('');
}
