// Loads the installed packages the way Node 20 does (built JavaScript, no TypeScript loader).
const client = await import('@confab/client');
const contracts = await import('@confab/contracts');
const react = await import('@confab/react');
console.log(
  JSON.stringify({
    createChatClient: typeof client.createChatClient,
    bodyMaxChars: contracts.LIMITS.bodyMaxChars,
    useMessages: typeof react.useMessages,
  }),
);
