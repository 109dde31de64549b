import {
  AVATAR_ROUTES,
  AVATAR_UPLOAD_TYPES,
  AvatarRemoved,
  AvatarUploaded,
  LIMITS,
} from '@confab/contracts';

/** The server's refusal, in the API's shape (`{ error: { message } }`), as an Error. */
async function refusalOf(response: Response): Promise<Error> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return new Error(body.error.message);
  } catch {
    // Not the API's JSON (a proxy's page): say what happened in general terms.
  }
  return new Error(`The server could not take the picture (HTTP ${response.status})`);
}

/**
 * Why a file cannot be an avatar, checked before it is sent (the server checks again, and also
 * that it really is an image); null when it may be uploaded.
 */
export function avatarFileProblem(file: File): string | null {
  if (!(AVATAR_UPLOAD_TYPES as readonly string[]).includes(file.type))
    return 'Choose a PNG, JPEG, WebP or GIF image';
  if (file.size > LIMITS.avatarMaxBytes)
    return `The picture is larger than ${LIMITS.avatarMaxBytes / (1024 * 1024)} MB; choose a smaller one`;
  return null;
}

/**
 * Uploads the signed-in user's new avatar (the session cookie authenticates it); resolves with
 * its avatarVersion, rejects with the server's message.
 */
export async function uploadAvatar(file: File): Promise<number> {
  const response = await fetch(AVATAR_ROUTES.mine, {
    method: 'PUT',
    headers: { 'Content-Type': file.type },
    body: file,
  });
  if (!response.ok) throw await refusalOf(response);
  return AvatarUploaded.parse(await response.json()).avatarVersion;
}

/** Removes the signed-in user's avatar. */
export async function removeAvatar(): Promise<void> {
  const response = await fetch(AVATAR_ROUTES.mine, { method: 'DELETE' });
  if (!response.ok) throw await refusalOf(response);
  AvatarRemoved.parse(await response.json());
}
