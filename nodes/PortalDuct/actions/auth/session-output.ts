import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { credentialFor, type Run } from '../../transport/run';
import type { Session, SessionCredentials } from '../../transport/session';

export const includeTokenField: INodeProperties = {
	displayName: 'Include Token',
	name: 'includeToken',
	type: 'boolean',
	default: false,
	description:
		'Whether to put the access and refresh tokens in the output. Off by default: tokens are secrets, and the PortalDuct credential already handles them for every other action.',
};

/** What the Auth actions output: when the token lives and how it was had; the tokens only on request. */
export function sessionOutput(session: Session, includeToken: boolean): IDataObject {
	return {
		tokenType: 'Bearer',
		obtainedBy: session.obtainedBy,
		expiresIn: session.expiresIn ?? null,
		expiresAt: session.expiresAt ?? null,
		hasRefreshToken: Boolean(session.refreshToken),
		...(includeToken ? { token: session.token, refreshToken: session.refreshToken ?? null } : {}),
	};
}

/** The credential as it resolves for the item, with the refresh token only if it belongs here. */
export async function readSessionCredentials(run: Run, itemIndex: number): Promise<SessionCredentials> {
	const { baseUrl, decrypted } = await credentialFor(run, itemIndex);
	const credentials = decrypted.data ?? {};
	return {
		baseUrl,
		email: credentials.email as string,
		password: credentials.password as string,
		refreshToken: (credentials.refreshToken as string) || undefined,
		accessToken: (credentials.accessToken as string) || undefined,
	};
}
