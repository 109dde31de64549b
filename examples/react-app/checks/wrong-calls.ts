import { createPushClient } from '@confab/client/push';

// Never run: compiled by `npm run check`, which fails if any call below stops being an error.
const confab = createPushClient({ url: 'https://chat.example.com', apiKey: 'confab_0123456789' });

// @ts-expect-error a procedure the API does not have (identity.mintTokn)
await confab.api.identity.mintTokn.mutate({ externalId: 'u1', displayName: 'Ada' });

// @ts-expect-error an input of the wrong type (ttlSeconds is a number)
await confab.mintToken({ externalId: 'u1', displayName: 'Ada', ttlSeconds: '5' });

// @ts-expect-error a token for a user needs their display name
await confab.mintToken({ externalId: 'u1' });
