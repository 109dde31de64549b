import type { ChatClient } from '@confab/client';

interface Shown {
  author: string;
  body: string;
}

/**
 * A room's messages in a <ul>, in the room's order (seq). History and the live stream may both
 * bring a message (the stream resumes from where the page started): keyed by seq, it shows once.
 */
export function createMessageList(list: HTMLUListElement, chat: ChatClient, roomId: string) {
  const bySeq = new Map<number, Shown>();
  const names = new Map<string, string>();

  async function learnNames() {
    for (const member of await chat.api.room.members.query({ roomId }))
      names.set(member.userId, member.username);
  }

  function render() {
    const items = [...bySeq.entries()]
      .sort(([a], [b]) => a - b)
      .map(([seq, { author, body }]) => {
        const item = document.createElement('li');
        item.dataset.seq = String(seq);
        const who = document.createElement('b');
        who.textContent = names.get(author) ?? author;
        item.append(who, body);
        return item;
      });
    list.replaceChildren(...items);
  }

  return {
    async load() {
      await learnNames();
      const page = await chat.api.message.history.query({ roomId, limit: 50 });
      for (const m of page.messages) bySeq.set(m.seq, { author: m.authorId, body: m.body });
      render();
    },
    async add(seq: number, author: string, body: string) {
      bySeq.set(seq, { author, body });
      // Someone who joined after the page loaded: fetch the names again.
      if (!names.has(author)) await learnNames().catch(() => undefined);
      render();
    },
  };
}
