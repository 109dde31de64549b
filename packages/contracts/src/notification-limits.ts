// Without zod: the web app imports these at startup (see conversation-rules.ts).

/** Bounds of the offline-notification API (Web Push subscriptions, mutes, webhooks). */
export const NOTIFICATION_LIMITS = {
  /** Longest push endpoint or webhook URL, in characters. */
  urlMaxChars: 2048,
  /** Longest message preview a push notification carries, in characters (code points). */
  previewMaxChars: 140,
  webhookSecretMinChars: 16,
  webhookSecretMaxChars: 256,
  /** Webhooks that can be registered at once. */
  webhooksMax: 20,
} as const;
