import * as z from 'zod';
import { DeviceLabel, DisplayName, Username } from './inputs.js';
import { User } from './models.js';
import { singleLineText } from './text.js';

/**
 * Bring your own identity: an app with its own accounts maps each of its users to a Confab user
 * by the app's own id for them (`externalId`), instead of making them register here.
 */
export const IDENTITY_LIMITS = {
  /** Longest app user id accepted (a UUID, a database key, an email address...). */
  externalIdMaxChars: 200,
  /** A minted token lives this long unless the app asks otherwise. */
  defaultTokenTtlSeconds: 3_600,
  /** Shortest lifetime a minted token may be given. */
  minTokenTtlSeconds: 1,
  /** Longest lifetime a minted token may be given: a day; renewal is the token provider's job. */
  maxTokenTtlSeconds: 86_400,
} as const;

/** The app's own id for one of its users: case-sensitive, kept as given. */
export const ExternalId = z
  .string()
  .check(singleLineText('externalId'))
  .min(1, 'externalId is required')
  .max(
    IDENTITY_LIMITS.externalIdMaxChars,
    `externalId can have at most ${IDENTITY_LIMITS.externalIdMaxChars} characters`,
  );

/** identity.upsertUser: creates the app's user, or updates its display name. */
export const UpsertExternalUserInput = z.object({
  externalId: ExternalId,
  displayName: DisplayName,
  /**
   * The username to give a new user (others invite them by it). @default derived from
   * externalId. Ignored for a user that exists already: usernames do not change.
   */
  username: Username.optional(),
});
export type UpsertExternalUserInput = z.input<typeof UpsertExternalUserInput>;

/** identity.mintToken: a short-lived session token for the app's user (created if new). */
export const MintTokenInput = UpsertExternalUserInput.extend({
  /** Seconds until the token expires. @default 3600 */
  ttlSeconds: z
    .number()
    .int()
    .min(IDENTITY_LIMITS.minTokenTtlSeconds)
    .max(IDENTITY_LIMITS.maxTokenTtlSeconds)
    .optional(),
  deviceLabel: DeviceLabel.optional(),
});
export type MintTokenInput = z.input<typeof MintTokenInput>;

export const ExternalUserInput = z.object({ externalId: ExternalId });
export type ExternalUserInput = z.input<typeof ExternalUserInput>;

export const ExternalUser = z.object({ externalId: ExternalId, user: User });
export type ExternalUser = z.infer<typeof ExternalUser>;

export const MintedToken = z.object({
  /** The bearer token for the SDK: shown once, stored by the server only as a hash. */
  token: z.string(),
  /** When the token stops working (epoch ms): the SDK's token provider asks for a new one. */
  expiresAt: z.number(),
  user: User,
});
export type MintedToken = z.infer<typeof MintedToken>;
