import { type ApiUser, apiSend, apiUser, mutate } from '../fixtures/api';

/** A few realistic conversations for the screenshots, seen by Ada. */
export interface Scene {
  ada: ApiUser;
  grace: ApiUser;
  linus: ApiUser;
  rooms: { design: string; launch: string; random: string };
}

type Line = [ApiUser, string];

async function post(roomId: string, lines: Line[]): Promise<{ id: string; seq: number }[]> {
  const sent = [];
  for (const [author, body] of lines) sent.push(await apiSend(author, roomId, body));
  return sent;
}

async function room(
  owner: ApiUser,
  kind: 'public' | 'private',
  name: string,
  topic: string,
  members: ApiUser[],
): Promise<string> {
  const { id } = await mutate<{ id: string }>('room.create', { kind, name, topic }, owner.token);
  for (const member of members) {
    if (kind === 'public') await mutate('room.join', { roomId: id }, member.token);
    else await mutate('room.invite', { roomId: id, username: member.username }, owner.token);
  }
  return id;
}

export async function seedScene(): Promise<Scene> {
  const tag = Date.now().toString(36).slice(-5);
  const [ada, grace, linus, margaret, alan] = await Promise.all([
    apiUser(`ada_${tag}`, 'Ada Lovelace'),
    apiUser(`grace_${tag}`, 'Grace Hopper'),
    apiUser(`linus_${tag}`, 'Linus Torvalds'),
    apiUser(`margaret_${tag}`, 'Margaret Hamilton'),
    apiUser(`alan_${tag}`, 'Alan Turing'),
  ]);
  const read = (roomId: string, seq: number) =>
    mutate('message.markRead', { roomId, seq }, ada.token);

  // Public rooms Ada is not in, for "Browse".
  await room(linus, 'public', 'typescript-tips', 'Tricks, types and tooling', []);
  await room(margaret, 'public', 'book-club', 'This month: The Soul of a New Machine', []);

  const random = await room(linus, 'public', 'random', 'Lunch, links and everything else', [
    ada,
    grace,
  ]);
  await post(random, [[linus, 'Anyone up for lunch at the ramen place?']]);

  const launch = await room(margaret, 'private', 'launch-planning', 'v2.0 ship list', [ada, alan]);
  const launched = await post(launch, [
    [
      margaret,
      'Release candidate is tagged. Changelog draft: https://example.com/confab/releases/v2.0',
    ],
    [alan, 'Load test results look good: p99 delivery under 40 ms at 10k connections.'],
    [ada, 'Great work, everyone. I will write the announcement post tonight.'],
  ]);
  await read(launch, launched.at(-1)?.seq ?? 0);
  await post(launch, [
    [alan, 'One more thing: can we hold the launch until the SSE fallback fix lands?'],
  ]);

  const { id: direct } = await mutate<{ id: string }>(
    'room.openDirect',
    { username: ada.username },
    grace.token,
  );
  const dm = await post(direct, [
    [grace, 'Hey, do you have a minute to look at my pull request?'],
    [ada, 'Sure, send it over.'],
    [grace, 'https://example.com/confab/pull/128 (the reconnect backoff change)'],
    [ada, 'Looks good! I left two small comments.'],
    [grace, 'Thanks, fixing them now.'],
  ]);
  await read(direct, dm.at(-1)?.seq ?? 0);
  // Grace has read it all too: Ada sees "Seen" under her last message.
  await mutate('message.markRead', { roomId: direct, seq: dm.at(-1)?.seq ?? 0 }, grace.token);

  const design = await room(grace, 'public', 'design-review', 'Weekly critique, Thursdays 15:00', [
    ada,
    linus,
    margaret,
  ]);
  const discussed = await post(design, [
    [grace, 'Morning all! I pushed the new onboarding flow to staging.'],
    [grace, 'Preview: https://staging.example.com/onboarding'],
    [linus, 'Nice. The progress dots feel much clearer than the old stepper.'],
    [linus, 'Wrong thread, sorry'],
    [ada, 'Agreed. One thing: the skip link is hard to find on small screens.'],
    [ada, 'Could we move it to the top right, next to the close button?'],
    [margaret, 'Yes, and it should come before the first field in keyboard order.'],
    [grace, 'Good catch, updating it now.'],
  ]);
  const [, , , wrong, , , , graceFix] = discussed;
  if (wrong) await mutate('message.delete', { roomId: design, messageId: wrong.id }, linus.token);
  if (graceFix)
    await mutate(
      'message.edit',
      { roomId: design, messageId: graceFix.id, body: 'Good catch, updating it now. Thanks both!' },
      grace.token,
    );
  await read(design, graceFix?.seq ?? 0);
  await post(design, [
    [
      margaret,
      'Also, the secondary buttons in the dark theme are a bit low on contrast.\nI measured 3.8:1; we want at least 4.5:1.',
    ],
    [grace, 'On it. I will share a before and after in a minute.'],
  ]);
  await post(random, [[grace, 'Always.']]);
  return { ada, grace, linus, rooms: { design, launch, random } };
}
