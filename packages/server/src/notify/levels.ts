// The level rule lives in the contracts, shared with the web app's desktop notifications.
export { mentionsUser as mentions, notifiesAt as notifies } from '@confab/contracts';
