// Must not compile: a send whose body is not a string.
import { createChatClient } from '@confab/client';

const chat = createChatClient({ url: 'http://x', token: 't', autoConnect: false });
export const sent = chat.api.message.send.mutate({ roomId: 'r1', clientMsgId: 'c1', body: 42 });
