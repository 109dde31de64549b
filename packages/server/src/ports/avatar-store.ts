/** An avatar as stored: the image the server re-encoded, and its version. */
export interface StoredAvatar {
  image: Uint8Array;
  contentType: string;
  /** The user's avatarVersion: part of the picture's URL, so a new one is never served stale. */
  version: number;
}

/** Each user's avatar (one at most); the user's `avatarVersion` follows it. */
export interface AvatarStore {
  /**
   * Stores the user's avatar in place of any previous one and returns its version: `at`, or
   * one past the previous version when that is not older (two uploads in one millisecond).
   */
  putAvatar(
    userId: string,
    avatar: { image: Uint8Array; contentType: string; at: number },
  ): Promise<number>;
  /** The user's avatar, or undefined when they have none. */
  avatarOf(userId: string): Promise<StoredAvatar | undefined>;
  /** Removes the user's avatar; false when they had none. */
  deleteAvatar(userId: string): Promise<boolean>;
}
