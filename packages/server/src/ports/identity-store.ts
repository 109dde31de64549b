import type { User } from '@confab/contracts';

/** An app's user (see services/identity.ts): the app's own id and the Confab user it maps to. */
export interface ExternalIdentityRecord {
  externalId: string;
  userId: string;
  createdAt: number;
  /** When the app revoked the user: no token is minted or JWT accepted for them after it. */
  revokedAt: number | null;
}

/** Bring your own identity: the mapping of apps' user ids to Confab users. */
export interface IdentityStore {
  /** The identity and its user, or undefined when the app never created it. */
  externalIdentity(
    externalId: string,
  ): Promise<{ identity: ExternalIdentityRecord; user: User } | undefined>;
  /**
   * Creates the user (no password: it cannot sign in with one) and maps `externalId` to it, in
   * one transaction. 'exists': another call created this identity first (the caller reads it);
   * 'username-taken': the username belongs to someone else (nothing is created).
   */
  createExternalUser(
    identity: { externalId: string; createdAt: number },
    user: User,
  ): Promise<'created' | 'exists' | 'username-taken'>;
  /** Sets the user's display name. */
  updateDisplayName(userId: string, displayName: string): Promise<void>;
  /** Marks the identity revoked and every live session of its user revoked; their ids. */
  revokeExternalIdentity(externalId: string, at: number): Promise<string[]>;
  /** Lets a revoked identity in again (its old sessions stay revoked). */
  restoreExternalIdentity(externalId: string): Promise<void>;
}
