import type { IDataObject } from 'n8n-workflow';

import { paths } from '../api';
import { portalDuctRequest } from './request';
import type { Run } from './run';

/**
 * The account's one portal-login webhook registration [doc: POST; GET and DELETE assumed].
 * Shared by the node's Webhook actions and the PortalDuct Trigger.
 */
export interface Registration {
	webhookId?: string;
	url: string;
}

function asRegistration(body: unknown): Registration | undefined {
	if (typeof body !== 'object' || body === null) return undefined;
	const b = body as IDataObject;
	const inner = typeof b.data === 'object' && b.data !== null ? (b.data as IDataObject) : b;
	if (typeof inner.url !== 'string') return undefined;
	const id = inner.webhookId ?? inner.id;
	return { url: inner.url, webhookId: id === undefined ? undefined : String(id) };
}

export async function getRegistration(
	run: Run,
	itemIndex?: number,
): Promise<Registration | undefined> {
	const answer = await portalDuctRequest(run, {
		method: 'GET',
		path: paths.portalLoginChanges,
		resend: 'read',
		itemIndex,
		answers: [404],
		subject: 'webhook registration',
	});
	return answer.status === 404 ? undefined : asRegistration(answer.body);
}

/** Registering replaces whatever the account had [assumed], so it is safe to send again. */
export async function register(
	run: Run,
	url: string,
	secret: string | undefined,
	itemIndex?: number,
): Promise<Registration> {
	const answer = await portalDuctRequest(run, {
		method: 'POST',
		path: paths.portalLoginChanges,
		body: secret ? { url, secret } : { url },
		resend: 'read',
		itemIndex,
		subject: 'webhook registration',
	});
	return asRegistration(answer.body) ?? { url };
}

/** Returns whether a registration was there to remove. */
export async function removeRegistration(run: Run, itemIndex?: number): Promise<boolean> {
	const answer = await portalDuctRequest(run, {
		method: 'DELETE',
		path: paths.portalLoginChanges,
		resend: 'read',
		itemIndex,
		answers: [404],
		subject: 'webhook registration',
	});
	return answer.status !== 404;
}
